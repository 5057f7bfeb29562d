CALL db.index.vector.queryNodes('content_text_embedding', $k, $vector) YIELD node, score
RETURN node.id AS id, score
ORDER BY score DESC
