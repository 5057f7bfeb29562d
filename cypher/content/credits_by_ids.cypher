// The people credited on many titles in one round trip; people come whole, so a credit's person costs no second
// round trip.
UNWIND $ids AS id
MATCH (c:Content {id: id})
OPTIONAL MATCH (c)<-[r:ACTED_IN|DIRECTED|WROTE]-(n:Person)
RETURN id,
       collect(CASE WHEN n IS NULL THEN NULL
         ELSE {rel: type(r), node: n {.id, .name, .birth_year, .imdb_id, .tmdb_id}, character: r.character,
               order: r.order}
       END) AS links
