// row: {id, props}
UNWIND $rows AS row
MERGE (n:Genre {id: row.id})
SET n += row.props
