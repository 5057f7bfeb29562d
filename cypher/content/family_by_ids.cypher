// The parent (a season's show, an episode's season) and children of many titles in one round trip.
UNWIND $ids AS id
MATCH (c:Content {id: id})
OPTIONAL MATCH (c)-[r:SEASON_OF|EPISODE_OF]-(n:Content)
RETURN id,
       collect(CASE WHEN n IS NULL THEN NULL
         ELSE {rel: type(r), outgoing: startNode(r) = c, node: n {.id, .title, .kind, .number}}
       END) AS links
