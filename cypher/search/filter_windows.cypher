// The search filter when it names availability conditions but no genre or mood: cypher/search/filter.cypher
// without its genre and mood stages (see cypher/search/filter_titles.cypher for why), and a title's windows
// walked from the title (the WITH before MATCH keeps FalkorDB from scanning every window: 3.8 ms instead of 8 ms
// for 150 candidates at 100,000 titles). Same parameters and answer. Only windows have OF edges, so the windows
// are reached without checking their label (0.1 ms).
UNWIND range(0, size($ids) - 1) AS position
WITH position, $ids[position] AS id
MATCH (c:Content {id: id})
WHERE ($kinds IS NULL OR c.kind IN $kinds)
  AND ($year_from IS NULL OR c.year >= $year_from)
  AND ($year_to IS NULL OR c.year <= $year_to)
  AND ($runtime_min IS NULL OR c.runtime_minutes >= $runtime_min)
  AND ($runtime_max IS NULL OR c.runtime_minutes <= $runtime_max)
WITH position, c
MATCH (c)<-[:OF]-(w)
WHERE ($region IS NULL OR w.region_id = $region)
  AND ($platforms IS NULL OR w.platform_id IN $platforms)
  AND ($pricing IS NULL OR w.pricing_model IN $pricing)
  AND ($quality IS NULL OR any(q IN w.quality WHERE q IN $quality))
  AND (w.available_until IS NULL OR w.available_until > $now)
  AND (NOT $available_now OR w.available_from <= $now)
  AND ($leaving_before IS NULL OR (w.available_until IS NOT NULL AND w.available_until <= $leaving_before))
  AND w.trust_score * (1.0 - $decay_per_day * (CASE WHEN $now > w.verified_at THEN $now - w.verified_at ELSE 0 END)
                              / 86400000.0) >= $trust_from
WITH DISTINCT position, c
WITH c
ORDER BY position
WITH collect(c) AS passing
RETURN size(passing) AS total,
       [c IN passing[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id,
            .tmdb_id, .eidr_id, .popularity}] AS page
