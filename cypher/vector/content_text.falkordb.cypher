// FalkorDB returns a cosine distance d in [0, 2]; 1 - d/2 puts it on Neo4j's similarity scale, (1 + cos) / 2.
CALL db.idx.vector.queryNodes('Content', 'text_embedding', $k, vecf32($vector)) YIELD node, score
RETURN node.id AS id, 1.0 - score / 2.0 AS score
ORDER BY score DESC
