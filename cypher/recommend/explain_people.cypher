// Why a title of $ids may appeal, through its people: someone who made it also made a title the viewer rated at
// least $liked_from stars or finished. One row per such path; the caller keeps the best per title.
UNWIND $ids AS id
MATCH (t:Content {id: id})<-[made:DIRECTED|ACTED_IN|WROTE]-(p:Person)-[:DIRECTED|ACTED_IN|WROTE]->(y:Content)
      <-[r:RATED|WATCHED]-(:User {id: $user_id})
WHERE y <> t AND (r.rating >= $liked_from OR r.completed = true)
RETURN id, p.name AS person, type(made) AS role, y.title AS liked_title, type(r) AS how, r.rating AS stars
