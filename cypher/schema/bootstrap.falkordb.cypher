// Range indexes on every key (the unique constraints on them are GRAPH.CONSTRAINT commands, not Cypher: see
// graph/falkordb_store.py) and full-text indexes for keyword search, and HNSW vector indexes. Re-running a statement whose index exists is skipped.
CREATE INDEX FOR (n:Content) ON (n.id);
CREATE INDEX FOR (n:Person) ON (n.id);
CREATE INDEX FOR (n:Genre) ON (n.id);
CREATE INDEX FOR (n:Mood) ON (n.id);
CREATE INDEX FOR (n:Platform) ON (n.id);
CREATE INDEX FOR (n:Region) ON (n.id);
CREATE INDEX FOR (n:User) ON (n.id);
CREATE INDEX FOR (n:AvailabilityWindow) ON (n.id);
CREATE INDEX FOR (n:SourceRecord) ON (n.id);
CREATE INDEX FOR (n:Content) ON (n.imdb_id);
CREATE INDEX FOR (n:Content) ON (n.tmdb_id);
CREATE INDEX FOR (n:Content) ON (n.match_key);
CREATE INDEX FOR (n:Content) ON (n.eidr_id);
CREATE INDEX FOR (n:Person) ON (n.imdb_id);
CREATE INDEX FOR (n:AvailabilityWindow) ON (n.available_until);
CREATE INDEX FOR (n:AvailabilityWindow) ON (n.written_at);
CREATE FULLTEXT INDEX FOR (n:Content) ON (n.title, n.original_title);
CREATE FULLTEXT INDEX FOR (n:Person) ON (n.name);
CREATE VECTOR INDEX FOR (n:Content) ON (n.text_embedding)
  OPTIONS {dimension: $text_dim, similarityFunction: 'cosine', M: $m, efConstruction: $ef_construction, efRuntime: $ef_runtime};
CREATE VECTOR INDEX FOR (n:Content) ON (n.gnn_embedding)
  OPTIONS {dimension: $gnn_dim, similarityFunction: 'cosine', M: $m, efConstruction: $ef_construction, efRuntime: $ef_runtime};
CREATE VECTOR INDEX FOR (n:User) ON (n.gnn_embedding)
  OPTIONS {dimension: $gnn_dim, similarityFunction: 'cosine', M: $m, efConstruction: $ef_construction, efRuntime: $ef_runtime};
