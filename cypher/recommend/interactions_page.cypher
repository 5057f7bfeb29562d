// Users a page at a time in id order (ids after $after), each with every interaction edge it has; a user without
// any comes with an empty list, so the page's last id is always the next page's $after.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $limit
OPTIONAL MATCH (u)-[r:RATED|WATCHED|INTERACTED]->(c:Content)
RETURN u.id AS user_id,
       collect(CASE WHEN r IS NULL THEN NULL
         ELSE {title_id: c.id, type: type(r), rating: r.rating, completed: r.completed, signal: r.signal, at: r.at}
       END) AS interactions
ORDER BY user_id
