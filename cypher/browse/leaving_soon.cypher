// Titles whose window ends between $now and $until, the soonest first (in $region, on $platform when given;
// windows trusted today at least $trust_from, as in graph/trust.py): how many, and the page.
MATCH (w:AvailabilityWindow)-[:OF]->(c:Content)
WHERE w.available_until > $now AND w.available_until <= $until AND w.available_from <= $now
  AND ($region IS NULL OR w.region_id = $region)
  AND ($platform IS NULL OR w.platform_id = $platform)
  AND w.trust_score * (1.0 - $decay_per_day * (CASE WHEN $now > w.verified_at THEN $now - w.verified_at ELSE 0 END)
                                       / 86400000.0) >= $trust_from
WITH c, min(w.available_until) AS leaving
ORDER BY leaving, c.id
WITH collect(c) AS titles
RETURN size(titles) AS total, [c IN titles[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id, .tmdb_id, .eidr_id, .popularity}] AS page
