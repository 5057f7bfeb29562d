// A person with their filmography (the repository orders it newest first).
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[r:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN p {.id, .name, .birth_year, .imdb_id, .tmdb_id} AS person,
       collect(CASE WHEN c IS NULL THEN NULL ELSE
         {role: type(r), character: r.character, content: c {.id, .kind, .title, .year}} END) AS credits
