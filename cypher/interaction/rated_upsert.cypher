// Ratings: one RATED edge per user and title, the newest rating wins. Users and titles are checked first.
// row: {user_id, content_id, rating, at}
UNWIND $rows AS row
MATCH (u:User {id: row.user_id})
MATCH (c:Content {id: row.content_id})
MERGE (u)-[r:RATED]->(c)
SET r.rating = CASE WHEN r.at IS NULL OR r.at <= row.at THEN row.rating ELSE r.rating END,
    r.at = CASE WHEN r.at IS NULL OR r.at <= row.at THEN row.at ELSE r.at END
