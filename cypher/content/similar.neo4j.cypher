// Titles nearest to a title by text embedding, scored (1 + cos) / 2.
MATCH (c:Content {id: $id})
WHERE c.text_embedding IS NOT NULL
CALL db.index.vector.queryNodes('content_text_embedding', $k, c.text_embedding) YIELD node, score
WITH c, node, score
WHERE node <> c
RETURN node {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id,
             .tmdb_id, .eidr_id, .popularity} AS content, score
ORDER BY score DESC
