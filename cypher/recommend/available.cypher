// The titles of $ids a viewer can watch now: a window open at $now in $region, on one of $platforms when given,
// trusted today at least $trust_from (the decay of graph/trust.py: the stored score loses $decay_per_day of itself a
// day since it was verified). Each with the platforms it is on there.
// The WITH makes FalkorDB walk from each title to its windows instead of scanning every window of the graph.
UNWIND $ids AS id
MATCH (c:Content {id: id})
WITH id, c
MATCH (c)<-[:OF]-(w:AvailabilityWindow)
WHERE w.region_id = $region
  AND ($platforms IS NULL OR w.platform_id IN $platforms)
  AND w.available_from <= $now
  AND (w.available_until IS NULL OR w.available_until > $now)
  AND w.trust_score * (1.0 - $decay_per_day * (CASE WHEN $now > w.verified_at THEN $now - w.verified_at ELSE 0 END)
                              / 86400000.0) >= $trust_from
OPTIONAL MATCH (w)-[:ON]->(p:Platform)
RETURN id, collect(DISTINCT {id: w.platform_id, name: p.name}) AS platforms
