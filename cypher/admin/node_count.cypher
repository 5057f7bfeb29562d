// How many nodes the graph holds: an import needs an empty store.
MATCH (n)
RETURN count(n) AS count
