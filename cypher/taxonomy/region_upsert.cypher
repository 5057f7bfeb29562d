// row: {id, props}
UNWIND $rows AS row
MERGE (r:Region {id: row.id})
SET r += row.props
