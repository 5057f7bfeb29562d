// Every interaction of a batch of users: what the training graph weighs (recommend/signals.py).
UNWIND $ids AS id
MATCH (u:User {id: id})-[r:RATED|WATCHED|INTERACTED]->(c:Content)
RETURN u.id AS user_id, c.id AS content_id, type(r) AS type, r.rating AS rating, r.completed AS completed,
       r.signal AS signal
