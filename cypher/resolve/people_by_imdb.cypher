UNWIND $imdb_ids AS value
MATCH (p:Person {imdb_id: value})
RETURN p.id AS id, p.name AS name, p.imdb_id AS imdb_id
