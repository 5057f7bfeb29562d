// row: {id, props}
UNWIND $rows AS row
MERGE (p:Platform {id: row.id})
SET p += row.props
