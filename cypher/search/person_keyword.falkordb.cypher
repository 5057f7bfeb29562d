// Titles of the people whose name holds any of $words (full-text index), with who matched and in what role.
CALL db.idx.fulltext.queryNodes('Person', reduce(e = '', w IN $words | e + CASE WHEN e = '' THEN '' ELSE '|' END + w))
YIELD node, score
WITH node AS p, score
ORDER BY score DESC, p.id
LIMIT $people
MATCH (p)-[r:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN c.id AS id, p.id AS person_id, p.name AS name, type(r) AS role
LIMIT $k
