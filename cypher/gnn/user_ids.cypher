// Every user of the GraphSAGE training graph, in a stable order.
MATCH (u:User)
RETURN u.id AS id
ORDER BY id
