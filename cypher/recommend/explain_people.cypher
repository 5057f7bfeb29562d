// Why a title of $ids may appeal, through its people: someone who made it also made a title the viewer rated at
// least $liked_from stars or finished. One row per such path; the caller keeps the best per title.
// The walk starts from the viewer, who has tens of titles; from each title of $ids it would go through every viewer
// of every title its people made.
MATCH (:User {id: $user_id})-[r:RATED|WATCHED]->(y:Content)<-[:DIRECTED|ACTED_IN|WROTE]-(p:Person)
      -[made:DIRECTED|ACTED_IN|WROTE]->(t:Content)
WHERE t.id IN $ids AND y <> t AND (r.rating >= $liked_from OR r.completed = true)
RETURN t.id AS id, p.name AS person, type(made) AS role, y.title AS liked_title, type(r) AS how, r.rating AS stars
