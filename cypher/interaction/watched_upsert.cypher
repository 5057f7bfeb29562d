// Watch events: one WATCHED edge per user and title; the newest event says whether it was completed.
// row: {user_id, content_id, completed, at}
UNWIND $rows AS row
MATCH (u:User {id: row.user_id})
MATCH (c:Content {id: row.content_id})
MERGE (u)-[w:WATCHED]->(c)
SET w.completed = CASE WHEN w.at IS NULL OR w.at <= row.at THEN row.completed ELSE w.completed END,
    w.at = CASE WHEN w.at IS NULL OR w.at <= row.at THEN row.at ELSE w.at END
