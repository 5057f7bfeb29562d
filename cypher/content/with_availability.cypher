// A title with its availability windows (ended ones too), each with its platform's and region's names, in one
// round trip: the read behind whereToWatch. On the 100,000-title benchmark catalog, 0.96 ms a read against 1.7 ms
// for content/get.cypher's whole title page (bench/bench_store.py).
MATCH (c:Content {id: $id})
OPTIONAL MATCH (c)<-[:OF]-(w:AvailabilityWindow)
OPTIONAL MATCH (w)-[:ON]->(p:Platform)
OPTIONAL MATCH (w)-[:IN]->(g:Region)
RETURN c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number,
          .imdb_id, .tmdb_id, .eidr_id, .popularity} AS content,
       collect(CASE WHEN w IS NULL THEN NULL ELSE w {.*, platform_name: p.name, region_name: g.name} END) AS windows
