// Every node's labels and properties, for the graph digest. Left out: vectors (large and derived) and the write
// stamp of availability windows (when the store last wrote one, not what it says).
MATCH (n)
RETURN labels(n) AS labels, n.id AS id,
       [key IN keys(n) WHERE NOT key ENDS WITH 'embedding' AND key <> 'written_at' | [key, n[key]]] AS properties
