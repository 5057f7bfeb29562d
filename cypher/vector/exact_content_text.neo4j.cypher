// Exact top-k by a full scan: the ground truth the vector index's recall is measured against.
MATCH (c:Content)
WHERE c.text_embedding IS NOT NULL
WITH c, vector.similarity.cosine(c.text_embedding, $vector) AS score
ORDER BY score DESC
LIMIT $k
RETURN c.id AS id, score
