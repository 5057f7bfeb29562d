// Exact top-k by a full scan: the ground truth the vector index's recall is measured against.
MATCH (c:Content)
WHERE c.text_embedding IS NOT NULL
WITH c, vec.cosineDistance(c.text_embedding, vecf32($vector)) AS distance
ORDER BY distance
LIMIT $k
RETURN c.id AS id, 1.0 - distance / 2.0 AS score
