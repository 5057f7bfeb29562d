// Platforms' names by id: of $ids, or of every platform when $ids is null.
MATCH (p:Platform)
WHERE $ids IS NULL OR p.id IN $ids
RETURN p.id AS id, p.name AS name
