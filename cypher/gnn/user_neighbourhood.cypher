// One user's neighbourhood for an inductive GraphSAGE embedding: their newest interactions that say something
// ($liked_from and $disliked_below bound the middling ratings, which weigh 0), at most $limit (the model's
// first-layer fan-out). An unknown user has no rows.
MATCH (u:User {id: $id})-[r:RATED|WATCHED|INTERACTED]->(c:Content)
WHERE r.rating IS NULL OR r.rating >= $liked_from OR r.rating <= $disliked_below
RETURN c.id AS content_id, type(r) AS type, r.rating AS rating, r.completed AS completed, r.signal AS signal,
       r.at AS at
ORDER BY r.at DESC, c.id
LIMIT $limit
