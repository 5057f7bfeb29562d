UNWIND $ids AS id
MATCH (p:Platform {id: id})
RETURN p.id AS id
