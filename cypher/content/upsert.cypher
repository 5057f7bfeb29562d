// Titles of every kind with their genres, moods and credits, one batch per call.
// row: {id, kind, props, genres: [id], moods: [id], credits: [{person_id, name, role, character, order}]}
UNWIND $rows AS row
MERGE (c:Content {id: row.id})
SET c += row.props
FOREACH (_ IN CASE WHEN row.kind = 'movie' THEN [1] ELSE [] END | SET c:Movie)
FOREACH (_ IN CASE WHEN row.kind = 'show' THEN [1] ELSE [] END | SET c:Show)
FOREACH (_ IN CASE WHEN row.kind = 'season' THEN [1] ELSE [] END | SET c:Season)
FOREACH (_ IN CASE WHEN row.kind = 'episode' THEN [1] ELSE [] END | SET c:Episode)
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
