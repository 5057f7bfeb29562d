// The users of $ids, each with every interaction edge it has (an empty list for a user without any).
UNWIND $ids AS id
MATCH (u:User {id: id})
OPTIONAL MATCH (u)-[r:RATED|WATCHED|INTERACTED]->(c:Content)
RETURN u.id AS user_id,
       collect(CASE WHEN r IS NULL THEN NULL
         ELSE {title_id: c.id, type: type(r), rating: r.rating, completed: r.completed, signal: r.signal, at: r.at}
       END) AS interactions
