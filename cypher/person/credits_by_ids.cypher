// The filmographies of many people in one round trip, each title with its summary.
UNWIND $ids AS id
MATCH (:Person {id: id})-[r:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN id,
       collect({role: type(r), character: r.character,
                content: c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language,
                            .number, .imdb_id, .tmdb_id, .eidr_id, .popularity}}) AS credits
