// A title with everything a title page needs, in one round trip: one pass over the title's own edges
// (genres, moods, people, parent, children, availability windows) plus each window's platform.
// The repository sorts the links into their kinds; a single traversal measured a third of the time of one
// pattern comprehension per kind.
MATCH (c:Content {id: $id})
OPTIONAL MATCH (c)-[r]-(n)
OPTIONAL MATCH (n:AvailabilityWindow)-[:ON]->(p:Platform)
RETURN c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number,
          .imdb_id, .tmdb_id, .eidr_id, .popularity} AS content,
       collect(CASE
         WHEN n IS NULL THEN NULL
         WHEN n:AvailabilityWindow THEN {rel: type(r), node: n {.*, platform_name: p.name}}
         ELSE {rel: type(r), outgoing: startNode(r) = c, node: n {.id, .name, .title, .kind, .number},
               character: r.character, order: r.order}
       END) AS links
