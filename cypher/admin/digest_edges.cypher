// Every edge with its ends and properties, for the graph digest.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS from, b.id AS to, [key IN keys(r) | [key, r[key]]] AS properties
