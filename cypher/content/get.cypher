// A title with everything a title page needs, in one round trip: one pass over the title's own edges of the kinds
// a page shows (genres, moods, people, parent, children, availability windows) plus each window's platform and
// region. Interactions are not among them: a popular title has thousands. People come whole, so a page's credits
// cost no second read. The repository sorts the links into their kinds; a single traversal measured a third of the
// time of one pattern comprehension per kind.
MATCH (c:Content {id: $id})
OPTIONAL MATCH (c)-[r:IN_GENRE|HAS_MOOD|ACTED_IN|DIRECTED|WROTE|SEASON_OF|EPISODE_OF|OF]-(n)
OPTIONAL MATCH (n:AvailabilityWindow)-[:ON]->(p:Platform)
OPTIONAL MATCH (n:AvailabilityWindow)-[:IN]->(g:Region)
RETURN c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number,
          .imdb_id, .tmdb_id, .eidr_id, .popularity} AS content,
       collect(CASE
         WHEN n IS NULL THEN NULL
         WHEN n:AvailabilityWindow THEN {rel: type(r), node: n {.*, platform_name: p.name, region_name: g.name}}
         ELSE {rel: type(r), outgoing: startNode(r) = c,
               node: n {.id, .name, .title, .kind, .number, .birth_year, .imdb_id, .tmdb_id},
               character: r.character, order: r.order}
       END) AS links
