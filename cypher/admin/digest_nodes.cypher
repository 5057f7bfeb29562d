// Every node's labels and properties, for the graph digest (vectors are left out: they are large and derived).
MATCH (n)
RETURN labels(n) AS labels, n.id AS id,
       [key IN keys(n) WHERE NOT key ENDS WITH 'embedding' | [key, n[key]]] AS properties
