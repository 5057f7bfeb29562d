// How many indexes and constraints are still being built over existing nodes: FalkorDB builds them in the
// background, after a bulk import for instance.
CALL db.indexes() YIELD status
WITH collect(status) AS indexes
CALL db.constraints() YIELD status
WITH indexes, collect(status) AS constraints
RETURN size([s IN indexes + constraints WHERE s <> 'OPERATIONAL']) AS building
