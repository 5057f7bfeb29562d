// What the resolver compares incoming records with: each title's attributes, parent, people and source records,
// and which of those records created it (its origin, match_rule 'new').
UNWIND $ids AS id
MATCH (c:Content {id: id})
OPTIONAL MATCH (c)-[:SEASON_OF|EPISODE_OF]->(parent:Content)
WITH c, parent.id AS parent_id
OPTIONAL MATCH (p:Person)-[:ACTED_IN|DIRECTED|WROTE]->(c)
WITH c, parent_id, collect(DISTINCT p {.id, .name, .imdb_id}) AS people
OPTIONAL MATCH (c)-[:SOURCED_FROM]->(s:SourceRecord)
WITH c, parent_id, people, collect(s) AS sources
RETURN c {.id, .kind, .title, .original_title, .year, .number, .imdb_id, .tmdb_id, .eidr_id, .runtime_minutes,
          .synopsis, .language, .popularity} AS content,
       parent_id, people, [s IN sources | s.id] AS records,
       [s IN sources WHERE s.match_rule = 'new' | s.id] AS origin
