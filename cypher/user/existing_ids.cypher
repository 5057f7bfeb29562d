UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u.id AS id
