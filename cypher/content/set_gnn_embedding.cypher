UNWIND $rows AS row
MATCH (c:Content {id: row.id})
SET c.gnn_embedding = row.vector
