// Titles that arrived on a platform since $since and are still there, the newest first (in $region when
// given; windows trusted today at least $trust_from, as in graph/trust.py): how many, and the page.
MATCH (:Platform {id: $platform})<-[:ON]-(w:AvailabilityWindow)-[:OF]->(c:Content)
WHERE w.available_from >= $since AND w.available_from <= $now
  AND (w.available_until IS NULL OR w.available_until > $now)
  AND ($region IS NULL OR w.region_id = $region)
  AND w.trust_score * (1.0 - $decay_per_day * (CASE WHEN $now > w.verified_at THEN $now - w.verified_at ELSE 0 END)
                                       / 86400000.0) >= $trust_from
WITH c, max(w.available_from) AS arrived
ORDER BY arrived DESC, c.id
WITH collect(c) AS titles
RETURN size(titles) AS total, [c IN titles[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id, .tmdb_id, .eidr_id, .popularity}] AS page
