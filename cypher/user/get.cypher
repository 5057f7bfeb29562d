MATCH (u:User {id: $id})
RETURN u {.id, .name} AS user,
       [(u)-[:LIVES_IN]->(r:Region) | r.id] AS regions,
       [(u)-[:SUBSCRIBES_TO]->(p:Platform) | p.id] AS subscriptions
