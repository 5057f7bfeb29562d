// The canonical title each source record was resolved into.
UNWIND $keys AS key
MATCH (s:SourceRecord {id: key})<-[:SOURCED_FROM]-(c:Content)
RETURN key, c.id AS id
