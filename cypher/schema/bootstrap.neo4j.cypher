// Uniqueness constraints on every key, lookup indexes, full-text indexes, and vector indexes (Neo4j 5.15+). Idempotent.
CREATE CONSTRAINT content_id IF NOT EXISTS FOR (n:Content) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT genre_id IF NOT EXISTS FOR (n:Genre) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mood_id IF NOT EXISTS FOR (n:Mood) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT platform_id IF NOT EXISTS FOR (n:Platform) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT availability_window_id IF NOT EXISTS FOR (n:AvailabilityWindow) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_record_id IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.id IS UNIQUE;
CREATE INDEX content_imdb_id IF NOT EXISTS FOR (n:Content) ON (n.imdb_id);
CREATE INDEX content_tmdb_id IF NOT EXISTS FOR (n:Content) ON (n.tmdb_id);
CREATE INDEX content_match_key IF NOT EXISTS FOR (n:Content) ON (n.match_key);
CREATE INDEX content_eidr_id IF NOT EXISTS FOR (n:Content) ON (n.eidr_id);
CREATE INDEX person_imdb_id IF NOT EXISTS FOR (n:Person) ON (n.imdb_id);
CREATE INDEX availability_window_until IF NOT EXISTS FOR (n:AvailabilityWindow) ON (n.available_until);
CREATE INDEX availability_window_written IF NOT EXISTS FOR (n:AvailabilityWindow) ON (n.written_at);
CREATE FULLTEXT INDEX content_title IF NOT EXISTS FOR (n:Content) ON EACH [n.title, n.original_title];
CREATE FULLTEXT INDEX person_name IF NOT EXISTS FOR (n:Person) ON EACH [n.name];
CREATE VECTOR INDEX content_text_embedding IF NOT EXISTS FOR (n:Content) ON (n.text_embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: $text_dim, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX content_gnn_embedding IF NOT EXISTS FOR (n:Content) ON (n.gnn_embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: $gnn_dim, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX user_gnn_embedding IF NOT EXISTS FOR (n:User) ON (n.gnn_embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: $gnn_dim, `vector.similarity_function`: 'cosine'}};
