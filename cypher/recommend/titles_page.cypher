// The titles recommenders know about, a page at a time in id order (ids after $after): facts, genres, moods and
// text embedding (null until the embed job has run).
MATCH (c:Content)
WHERE c.id > $after
WITH c
ORDER BY c.id
LIMIT $limit
RETURN c.id AS id, c.kind AS kind, c.title AS title, c.year AS year, c.runtime_minutes AS runtime_minutes,
       [(c)-[:IN_GENRE]->(g:Genre) | g.id] AS genres, [(c)-[:HAS_MOOD]->(m:Mood) | m.id] AS moods,
       c.text_embedding AS text_embedding
