// The unique constraints already in place (the Neo4j bootstrap does not need it: its DDL says IF NOT EXISTS).
SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties
WHERE type = 'UNIQUENESS'
RETURN labelsOrTypes[0] AS label, properties
