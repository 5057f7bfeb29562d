// The genres, moods, people, parent and children of many titles in one round trip (availability apart:
// cypher/availability/of_contents.cypher). The repository sorts each title's links into their kinds; people come
// whole, so a credit's person costs no second round trip.
UNWIND $ids AS id
MATCH (c:Content {id: id})
OPTIONAL MATCH (c)-[r:IN_GENRE|HAS_MOOD|ACTED_IN|DIRECTED|WROTE|SEASON_OF|EPISODE_OF]-(n)
RETURN id,
       collect(CASE WHEN n IS NULL THEN NULL
         ELSE {rel: type(r), outgoing: startNode(r) = c, node: n {.id, .name, .title, .kind, .number, .birth_year, .imdb_id, .tmdb_id},
               character: r.character, order: r.order}
       END) AS links
