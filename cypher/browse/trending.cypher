// Titles by how many interactions they had since $since (skips do not count), the most first: how many in all,
// and the page [$skip, $skip + $limit).
MATCH (:User)-[i:RATED|WATCHED|INTERACTED]->(c:Content)
WHERE i.at >= $since AND (i.signal IS NULL OR i.signal <> 'skip')
WITH c, count(i) AS interactions
ORDER BY interactions DESC, c.id
WITH collect(c) AS titles
RETURN size(titles) AS total, [c IN titles[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id, .tmdb_id, .eidr_id, .popularity}] AS page
