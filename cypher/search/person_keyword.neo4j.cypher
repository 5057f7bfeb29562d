// Titles of the people whose name holds one of $phrases (two query words side by side, or the query's only word),
// with who matched and in what role (full-text index; Lucene syntax: "a b" OR "b c").
CALL db.index.fulltext.queryNodes('person_name',
  substring(reduce(e = '', p IN $phrases | e + ' OR "' + p + '"'), 4))
YIELD node, score
WITH node AS p, score
ORDER BY score DESC, p.id
LIMIT $people
MATCH (p)-[r:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN c.id AS id, p.id AS person_id, p.name AS name, type(r) AS role
LIMIT $k
