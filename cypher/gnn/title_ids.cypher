// Every title's id, in a stable order: for the GraphSAGE training graph and the recommender's snapshot.
MATCH (c:Content)
RETURN c.id AS id
ORDER BY id
