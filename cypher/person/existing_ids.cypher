UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id
