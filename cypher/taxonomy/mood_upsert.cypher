// row: {id, props}
UNWIND $rows AS row
MERGE (n:Mood {id: row.id})
SET n += row.props
