// The genres and moods of many titles in one round trip.
UNWIND $ids AS id
MATCH (c:Content {id: id})
OPTIONAL MATCH (c)-[r:IN_GENRE|HAS_MOOD]->(n)
RETURN id, collect(CASE WHEN n IS NULL THEN NULL ELSE {rel: type(r), node: n {.id, .name}} END) AS links
