// A user's interactions, newest first.
MATCH (u:User {id: $id})-[r:RATED|WATCHED|INTERACTED]->(c:Content)
RETURN c.id AS content_id, type(r) AS type, r.rating AS rating, r.completed AS completed, r.signal AS signal,
       r.at AS at
ORDER BY r.at DESC, c.id
LIMIT $limit
