UNWIND $rows AS row
MATCH (c:Content {id: row.id})
SET c.text_embedding = row.vector, c.text_hash = row.text_hash
