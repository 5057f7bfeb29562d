// Clicks and skips: one INTERACTED edge per user, title and signal, with the newest time.
// row: {user_id, content_id, signal, at}
UNWIND $rows AS row
MATCH (u:User {id: row.user_id})
MATCH (c:Content {id: row.content_id})
MERGE (u)-[i:INTERACTED {signal: row.signal}]->(c)
SET i.at = CASE WHEN i.at IS NULL OR i.at <= row.at THEN row.at ELSE i.at END
