// Titles of the people whose name holds any of $words (full-text index), with who matched and in what role.
CALL db.index.fulltext.queryNodes('person_name', reduce(e = '', w IN $words | e + ' ' + w))
YIELD node, score
WITH node AS p, score
ORDER BY score DESC, p.id
LIMIT $people
MATCH (p)-[r:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN c.id AS id, p.id AS person_id, p.name AS name, type(r) AS role
LIMIT $k
