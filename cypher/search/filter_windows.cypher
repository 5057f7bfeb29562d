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
WITH size(passing) AS total, passing[$skip..$skip + $limit] AS page
// The page's parts, when asked for: its windows not ended by $now (in $page_region; every region when null) and
// its genres and moods, as cypher/availability/of_contents.cypher and cypher/content/taxonomy_by_ids.cypher read
// them. Position -1 is a row without a title, so that an empty page still answers its total.
UNWIND range(-1, size(page) - 1) AS at
WITH total, at, CASE WHEN at < 0 THEN null ELSE page[at] END AS c
OPTIONAL MATCH (c)<-[:OF]-(w)
WHERE $page_windows AND (w.available_until IS NULL OR w.available_until > $now)
  AND ($page_region IS NULL OR w.region_id = $page_region)
OPTIONAL MATCH (w)-[:ON]->(p)
OPTIONAL MATCH (w)-[:IN]->(r)
WITH total, at, c,
     collect(CASE WHEN w IS NULL THEN null ELSE w {.*, platform_name: p.name, region_name: r.name} END) AS windows
OPTIONAL MATCH (c)-[l:IN_GENRE|HAS_MOOD]->(n)
WHERE $page_taxonomy
WITH total, at, c, windows,
     collect(CASE WHEN n IS NULL THEN null ELSE {rel: type(l), node: n {.id, .name}} END) AS links
RETURN total,
       collect(CASE WHEN c IS NULL THEN null ELSE {
         at: at, windows: windows, links: links,
         content: c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number,
                     .imdb_id, .tmdb_id, .eidr_id, .popularity}} END) AS page
