// People by id in one round trip.
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p {.id, .name, .birth_year, .imdb_id, .tmdb_id} AS person
