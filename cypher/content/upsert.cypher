// Titles of every kind with their genres, moods and credits, one batch per call.
// row: {id, kind, props, genres: [id], moods: [id], credits: [{person_id, name, role, character, order}]}
// A new title is created with its kind label in the same step (CREATE (:Content:Movie ...)): adding a label to an
// existing node is what made this statement slow on FalkorDB (about 0.2 ms a title, growing with the graph). A
// title that exists already only gains its kind label if it lacks it. Ids are unique within a batch (the
// repository checks), and the unique constraint on Content.id backs the OPTIONAL MATCH + CREATE.
UNWIND $rows AS row
OPTIONAL MATCH (found:Content {id: row.id})
FOREACH (_ IN CASE WHEN found IS NULL AND row.kind = 'movie' THEN [1] ELSE [] END | CREATE (:Content:Movie {id: row.id}))
FOREACH (_ IN CASE WHEN found IS NULL AND row.kind = 'show' THEN [1] ELSE [] END | CREATE (:Content:Show {id: row.id}))
FOREACH (_ IN CASE WHEN found IS NULL AND row.kind = 'season' THEN [1] ELSE [] END | CREATE (:Content:Season {id: row.id}))
FOREACH (_ IN CASE WHEN found IS NULL AND row.kind = 'episode' THEN [1] ELSE [] END | CREATE (:Content:Episode {id: row.id}))
WITH row
MATCH (c:Content {id: row.id})
SET c += row.props
FOREACH (_ IN CASE WHEN row.kind = 'movie' AND NOT c:Movie THEN [1] ELSE [] END | SET c:Movie)
FOREACH (_ IN CASE WHEN row.kind = 'show' AND NOT c:Show THEN [1] ELSE [] END | SET c:Show)
FOREACH (_ IN CASE WHEN row.kind = 'season' AND NOT c:Season THEN [1] ELSE [] END | SET c:Season)
FOREACH (_ IN CASE WHEN row.kind = 'episode' AND NOT c:Episode THEN [1] ELSE [] END | SET c:Episode)
FOREACH (genre_id IN row.genres |
  MERGE (g:Genre {id: genre_id})
  ON CREATE SET g.name = genre_id
  MERGE (c)-[:IN_GENRE]->(g))
FOREACH (mood_id IN row.moods |
  MERGE (m:Mood {id: mood_id})
  ON CREATE SET m.name = mood_id
  MERGE (c)-[:HAS_MOOD]->(m))
FOREACH (credit IN row.credits |
  MERGE (p:Person {id: credit.person_id})
  ON CREATE SET p.name = credit.name
  FOREACH (_ IN CASE WHEN credit.role = 'actor' THEN [1] ELSE [] END |
    MERGE (p)-[r:ACTED_IN]->(c) SET r.character = credit.character, r.order = credit.order)
  FOREACH (_ IN CASE WHEN credit.role = 'director' THEN [1] ELSE [] END |
    MERGE (p)-[r:DIRECTED]->(c) SET r.order = credit.order)
  FOREACH (_ IN CASE WHEN credit.role = 'writer' THEN [1] ELSE [] END |
    MERGE (p)-[r:WROTE]->(c) SET r.order = credit.order))
