// Why a title of $ids may appeal, through other viewers: the viewer liked (rated at least $liked_from stars) or
// finished a title that other viewers liked or finished too, and they liked or finished this one in the same way.
// Per title, the shared title with the most such viewers.
UNWIND $ids AS id
MATCH (u:User {id: $user_id})-[a:RATED|WATCHED]->(x:Content)<-[b:RATED|WATCHED]-(v:User)-[c:RATED|WATCHED]->
      (t:Content {id: id})
WHERE v <> u AND x <> t AND type(b) = type(a) AND type(c) = type(a)
  AND (a.rating >= $liked_from OR a.completed = true)
  AND (b.rating >= $liked_from OR b.completed = true)
  AND (c.rating >= $liked_from OR c.completed = true)
WITH id, x, type(a) AS how, count(DISTINCT v) AS viewers
ORDER BY viewers DESC, x.id
WITH id, collect({title: x.title, how: how, viewers: viewers})[0] AS best
RETURN id, best.title AS title, best.how AS how, best.viewers AS viewers
