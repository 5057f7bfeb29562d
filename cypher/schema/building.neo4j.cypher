// How many indexes are still being populated over existing nodes.
SHOW INDEXES YIELD state
WHERE state <> 'ONLINE'
RETURN count(*) AS building
