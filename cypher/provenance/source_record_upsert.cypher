// Source records and the SOURCED_FROM edge from the canonical entity they were resolved into.
// row: {id, entity_label: 'Content' | 'Person', entity_id, props}; the entity is checked to exist first.
UNWIND $rows AS row
MERGE (s:SourceRecord {id: row.id})
SET s += row.props
WITH s, row
OPTIONAL MATCH (c:Content {id: row.entity_id})
OPTIONAL MATCH (p:Person {id: row.entity_id})
WITH s, CASE row.entity_label WHEN 'Content' THEN c ELSE p END AS entity
FOREACH (e IN CASE WHEN entity IS NULL THEN [] ELSE [entity] END | MERGE (e)-[:SOURCED_FROM]->(s))
