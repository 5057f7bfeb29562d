// Titles nearest to a title by text embedding, with their summaries. FalkorDB scores a cosine distance d in [0, 2]; 1 - d/2 puts it
// on Neo4j's similarity scale, (1 + cos) / 2.
MATCH (c:Content {id: $id})
WHERE c.text_embedding IS NOT NULL
CALL db.idx.vector.queryNodes('Content', 'text_embedding', $k, c.text_embedding) YIELD node, score
WITH c, node, score
WHERE node <> c
RETURN node {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id,
             .tmdb_id, .eidr_id, .popularity} AS content, 1.0 - score / 2.0 AS score
ORDER BY score DESC
