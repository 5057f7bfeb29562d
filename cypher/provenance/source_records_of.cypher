// The source records a canonical title or person was resolved from.
OPTIONAL MATCH (c:Content {id: $id})-[:SOURCED_FROM]->(sc:SourceRecord)
WITH collect(sc) AS from_content
OPTIONAL MATCH (p:Person {id: $id})-[:SOURCED_FROM]->(sp:SourceRecord)
WITH from_content, collect(sp) AS from_person
UNWIND from_content + from_person AS s
RETURN s {.*} AS record
ORDER BY s.id
