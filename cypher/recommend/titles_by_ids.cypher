// The titles of $ids, a page of those recommenders know about (recommend/data.py): facts, genres, moods,
// text embedding (null until the embed job has run), availability windows (what recommend/filters.py needs) and
// credits (what recommend/explain.py needs), as lists: hundreds of thousands of maps took longer to read.
UNWIND $ids AS id
MATCH (c:Content {id: id})
RETURN c.id AS id, c.kind AS kind, c.title AS title, c.year AS year, c.runtime_minutes AS runtime_minutes,
       [(c)-[:IN_GENRE]->(g:Genre) | g.id] AS genres, [(c)-[:HAS_MOOD]->(m:Mood) | m.id] AS moods,
       c.text_embedding AS text_embedding,
       [(c)<-[:OF]-(w:AvailabilityWindow) | [w.id, w.region_id, w.platform_id, w.available_from, w.available_until,
                                             w.trust_score, w.verified_at]] AS windows,
       [(c)<-[made:DIRECTED|WROTE|ACTED_IN]-(p:Person) | [p.id, p.name, type(made)]] AS credits
