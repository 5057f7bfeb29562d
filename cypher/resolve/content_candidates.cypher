// Titles that may be one with incoming records: by external id, by block key, or as titles of known people.
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
UNWIND $person_ids AS value
MATCH (:Person {id: value})-[:ACTED_IN|DIRECTED|WROTE]->(c:Content)
RETURN c.id AS id
