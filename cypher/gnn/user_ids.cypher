// Every user's id, in a stable order: for the GraphSAGE training graph and the recommender's snapshot.
MATCH (u:User)
RETURN u.id AS id
ORDER BY id
