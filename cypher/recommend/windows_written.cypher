// The windows written since $since (the server's clock, epoch ms; see cypher/availability/window_upsert.cypher),
// at most $limit of them, each with its title: what the recommender lays over its snapshot of the windows.
// The range index on AvailabilityWindow.written_at finds them without a scan.
MATCH (w:AvailabilityWindow)
WHERE w.written_at >= $since
WITH w
LIMIT $limit
MATCH (w)-[:OF]->(c:Content)
RETURN w.id AS id, c.id AS title_id, w.region_id AS region_id, w.platform_id AS platform_id,
       w.available_from AS available_from, w.available_until AS available_until, w.trust_score AS trust_score,
       w.verified_at AS verified_at
