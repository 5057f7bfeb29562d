// Titles without a text embedding, or whose text changed since theirs was computed.
MATCH (c:Content)
WHERE c.text_hash IS NULL OR c.text_hash <> c.text_wanted_hash
RETURN c.id AS id, c.title AS title, c.year AS year, c.synopsis AS synopsis, c.text_wanted_hash AS text_wanted_hash,
       [(c)-[:IN_GENRE]->(g:Genre) | g.id] AS genres
ORDER BY c.id
LIMIT $limit
