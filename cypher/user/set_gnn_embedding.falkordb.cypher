UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.gnn_embedding = vecf32(row.vector)
