// The titles recommenders know about, a page at a time in id order (ids after $after): facts, genres, moods,
// text embedding (null until the embed job has run), and availability windows (what recommend/filters.py needs).
MATCH (c:Content)
WHERE c.id > $after
WITH c
ORDER BY c.id
LIMIT $limit
RETURN c.id AS id, c.kind AS kind, c.title AS title, c.year AS year, c.runtime_minutes AS runtime_minutes,
       [(c)-[:IN_GENRE]->(g:Genre) | g.id] AS genres, [(c)-[:HAS_MOOD]->(m:Mood) | m.id] AS moods,
       c.text_embedding AS text_embedding,
       [(c)<-[:OF]-(w:AvailabilityWindow) | {id: w.id, region_id: w.region_id, platform_id: w.platform_id,
                                            available_from: w.available_from, available_until: w.available_until,
                                            trust_score: w.trust_score, verified_at: w.verified_at}] AS windows
