// Every title of the GraphSAGE training graph, in a stable order.
MATCH (c:Content)
RETURN c.id AS id
ORDER BY id
