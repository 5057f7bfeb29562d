UNWIND $ids AS id
MATCH (c:Content {id: id})
RETURN c.id AS id, c.kind AS kind
