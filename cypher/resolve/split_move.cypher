// Move source records from an entity to the one split off it, and mark the two DISTINCT_FROM each other.
// row: {id, match_rule, do_not_merge}; both entities exist (the new one was just written).
OPTIONAL MATCH (old_content:Content {id: $old_id})
OPTIONAL MATCH (old_person:Person {id: $old_id})
OPTIONAL MATCH (new_content:Content {id: $new_id})
OPTIONAL MATCH (new_person:Person {id: $new_id})
WITH coalesce(old_content, old_person) AS old, coalesce(new_content, new_person) AS new
MERGE (new)-[:DISTINCT_FROM]->(old)
WITH old, new
UNWIND $rows AS row
MATCH (old)-[r:SOURCED_FROM]->(s:SourceRecord {id: row.id})
DELETE r
MERGE (new)-[:SOURCED_FROM]->(s)
SET s.entity_id = $new_id, s.match_rule = row.match_rule, s.do_not_merge = row.do_not_merge
