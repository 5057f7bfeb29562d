// People credited on a title together with one of the given people: where a same-name person may already be.
UNWIND $ids AS known_id
MATCH (:Person {id: known_id})-[:ACTED_IN|DIRECTED|WROTE]->(:Content)<-[:ACTED_IN|DIRECTED|WROTE]-(p:Person)
RETURN DISTINCT known_id, p.id AS id, p.name AS name, p.imdb_id AS imdb_id
