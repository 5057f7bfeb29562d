// Seasons to their show, episodes to their season. Parents are checked to exist before this runs.
// row: {id, kind, parent_id}
UNWIND $rows AS row
MATCH (c:Content {id: row.id})
MATCH (parent:Content {id: row.parent_id})
FOREACH (_ IN CASE WHEN row.kind = 'season' THEN [1] ELSE [] END | MERGE (c)-[:SEASON_OF]->(parent))
FOREACH (_ IN CASE WHEN row.kind = 'episode' THEN [1] ELSE [] END | MERGE (c)-[:EPISODE_OF]->(parent))
