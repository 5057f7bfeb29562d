// Titles by id in one round trip: the summary every content field of the API starts from.
UNWIND $ids AS id
MATCH (c:Content {id: id})
RETURN c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number,
          .imdb_id, .tmdb_id, .eidr_id, .popularity} AS content
