// Titles that may be one with incoming records: by external id, by block key, or as titles of known people from
// about the same year whose key starts or ends like the record's (a misspelt title mostly keeps one end), except
// people credited on more than $max_person_titles titles: a prolific actor says little about which title a record
// is. Loading every title of every known person for every batch is what made resolution slow on large graphs.
UNWIND $imdb_ids AS value
MATCH (c:Content {imdb_id: value})
RETURN c.id AS id
UNION
UNWIND $tmdb_ids AS value
MATCH (c:Content {tmdb_id: value})
RETURN c.id AS id
UNION
UNWIND $eidr_ids AS value
MATCH (c:Content {eidr_id: value})
RETURN c.id AS id
UNION
UNWIND $match_keys AS value
MATCH (c:Content {match_key: value})
RETURN c.id AS id
UNION
UNWIND $person_years AS known
MATCH (:Person {id: known.id})-[:ACTED_IN|DIRECTED|WROTE]->(c:Content)
WITH known, collect(c) AS titles
WHERE size(titles) <= $max_person_titles
UNWIND titles AS c
WITH known, c
WHERE (known.year IS NULL OR c.year IS NULL OR abs(c.year - known.year) <= $year_tolerance)
  AND (left(c.match_key, 3) = left(known.key, 3) OR right(c.match_key, 3) = right(known.key, 3))
RETURN c.id AS id
