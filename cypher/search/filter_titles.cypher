// The search filter when it names no genre, mood or availability condition: the conditions on the title alone,
// without the stages of cypher/search/filter.cypher that walk each candidate's edges (each costs about 3 ms for 150
// candidates at 100,000 titles, even when it has nothing to check). Same parameters and answer as that statement.
UNWIND range(0, size($ids) - 1) AS position
WITH position, $ids[position] AS id
MATCH (c:Content {id: id})
WHERE ($kinds IS NULL OR c.kind IN $kinds)
  AND ($year_from IS NULL OR c.year >= $year_from)
  AND ($year_to IS NULL OR c.year <= $year_to)
  AND ($runtime_min IS NULL OR c.runtime_minutes >= $runtime_min)
  AND ($runtime_max IS NULL OR c.runtime_minutes <= $runtime_max)
WITH c
ORDER BY position
WITH collect(c) AS passing
RETURN size(passing) AS total,
       [c IN passing[$skip..$skip + $limit] |
         c {.id, .kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .imdb_id,
            .tmdb_id, .eidr_id, .popularity}] AS page
