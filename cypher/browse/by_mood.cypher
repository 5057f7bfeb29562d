// Films and shows of a mood, the most popular first: how many in all, and the page [$skip, $skip + $limit).
MATCH (:Mood {id: $mood})<-[:HAS_MOOD]-(c:Content)
WHERE c.kind IN ['movie', 'show']
WITH c
ORDER BY coalesce(c.popularity, 0.0) DESC, c.id
WITH collect(c) AS titles
RETURN size(titles) AS total, [c IN titles[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id, .tmdb_id, .eidr_id, .popularity}] AS page
