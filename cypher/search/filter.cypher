// How many of the search candidates ($ids, best first) pass the filter, and the summaries of those on the page
// [$skip, $skip + $limit), in the candidates' order. Only the page is projected: a title's summary costs the
// server far more to send than its id.
// Every condition is off when its parameter is null (lists: empty). A title passes the availability conditions
// when one of its windows does: in $region, on one of $platforms, under one of $pricing models, in one of
// $quality tiers, open at $now when $available_now, ending by $leaving_before when given, and trusted today at
// least $trust_from (the decay of graph/trust.py: the stored score loses $decay_per_day of itself a day).
// Each candidate's id is taken out of $ids before the lookup: FalkorDB looks up `{id: $ids[position]}` more slowly
// (0.4 to 0.6 ms less server time for 150 candidates at 100,000 titles, bench/README.md).
// Only windows have OF edges, so a candidate's windows are reached without checking their label (0.1 to 0.15 ms).
// The wanted genres and moods are found first, and each candidate is checked for an edge to each of them: FalkorDB
// then tests the edge between two known nodes, instead of walking every genre edge of every candidate and reading
// the genre at its end (150 candidates, one genre: 1.3 ms of server time instead of 3.4 ms). An empty list unwinds
// to one null, which no edge reaches, so the count is 0 and the condition holds.
OPTIONAL MATCH (g:Genre)
WHERE g.id IN $genres
WITH collect(g) AS genres
OPTIONAL MATCH (m:Mood)
WHERE m.id IN $moods
WITH genres, collect(m) AS moods
UNWIND range(0, size($ids) - 1) AS position
WITH genres, moods, position, $ids[position] AS id
MATCH (c:Content {id: id})
WHERE ($kinds IS NULL OR c.kind IN $kinds)
  AND ($year_from IS NULL OR c.year >= $year_from)
  AND ($year_to IS NULL OR c.year <= $year_to)
  AND ($runtime_min IS NULL OR c.runtime_minutes >= $runtime_min)
  AND ($runtime_max IS NULL OR c.runtime_minutes <= $runtime_max)
WITH moods, position, c, genres
UNWIND (CASE WHEN genres = [] THEN [null] ELSE genres END) AS g
OPTIONAL MATCH (c)-[in_genre:IN_GENRE]->(g)
WITH moods, position, c, count(in_genre) AS genres_held
WHERE genres_held = size($genres)
UNWIND (CASE WHEN moods = [] THEN [null] ELSE moods END) AS m
OPTIONAL MATCH (c)-[has_mood:HAS_MOOD]->(m)
WITH position, c, count(has_mood) AS moods_held
WHERE moods_held = size($moods)
OPTIONAL MATCH (c)<-[:OF]-(w)
WHERE $window
  AND ($region IS NULL OR w.region_id = $region)
  AND ($platforms IS NULL OR w.platform_id IN $platforms)
  AND ($pricing IS NULL OR w.pricing_model IN $pricing)
  AND ($quality IS NULL OR any(q IN w.quality WHERE q IN $quality))
  AND (w.available_until IS NULL OR w.available_until > $now)
  AND (NOT $available_now OR w.available_from <= $now)
  AND ($leaving_before IS NULL OR (w.available_until IS NOT NULL AND w.available_until <= $leaving_before))
  AND w.trust_score * (1.0 - $decay_per_day * (CASE WHEN $now > w.verified_at THEN $now - w.verified_at ELSE 0 END)
                              / 86400000.0) >= $trust_from
WITH position, c, count(w) AS windows_held
WHERE NOT $window OR windows_held > 0
WITH c
ORDER BY position
WITH collect(c) AS passing
RETURN size(passing) AS total,
       [c IN passing[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id,
            .tmdb_id, .eidr_id, .popularity}] AS page
