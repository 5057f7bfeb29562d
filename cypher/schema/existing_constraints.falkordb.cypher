// The unique constraints already in place, so the bootstrap creates only the missing ones.
CALL db.constraints() YIELD type, label, properties
WHERE type = 'UNIQUE'
RETURN label, properties
