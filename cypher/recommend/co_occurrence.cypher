// Collaborative filtering: titles co-interacted with what the viewer engaged with, as a random walk of three steps
// over the interaction edges, viewer -> title -> other viewer -> title (recommend/strategies.py, CollaborativeWalk,
// computes the same scores from a snapshot).
// Each edge weighs its engagement: a finished watch $watch_complete, a started one $watch_start, a click $click, a
// skip nothing; a rating from $liked_from stars up runs linearly from $liked_base to $liked_base + $liked_span at
// $top_stars, and a lower rating counts as a started watch (the title was watched). A user's edges to one title add
// up. Each step's probability is the edge's weight over the weights of every edge of the node it leaves, raised to
// $alpha; a title's score is the sum over walks that reach it, over its own total weight raised to $beta, so the
// titles everyone watches do not crowd out the rest. Titles the viewer has any edge to are left out; only kinds of
// $kinds are ranked.
MATCH (u:User {id: $user_id})-[a:RATED|WATCHED|INTERACTED]->(i:Content)
WITH u, i, sum(CASE type(a)
    WHEN 'RATED' THEN CASE WHEN a.rating >= $liked_from
      THEN $liked_base + $liked_span * (a.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN a.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN a.signal = 'click' THEN $click ELSE 0.0 END
  END) AS weight
WHERE weight > 0
WITH u, collect({title: i, weight: weight}) AS seeds, sum(weight) AS degree
UNWIND seeds AS seed
WITH u, seed.title AS i, (seed.weight / degree) ^ $alpha AS to_title
MATCH (i)<-[b:RATED|WATCHED|INTERACTED]-(v:User)
WITH u, i, to_title, v, sum(CASE type(b)
    WHEN 'RATED' THEN CASE WHEN b.rating >= $liked_from
      THEN $liked_base + $liked_span * (b.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN b.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN b.signal = 'click' THEN $click ELSE 0.0 END
  END) AS weight
WHERE weight > 0
WITH u, i, to_title, collect({viewer: v, weight: weight}) AS viewers, sum(weight) AS degree
UNWIND viewers AS viewer
WITH u, viewer.viewer AS v, to_title * (viewer.weight / degree) ^ $alpha AS reach
WHERE v <> u
WITH u, v, sum(reach) AS reach
MATCH (v)-[c:RATED|WATCHED|INTERACTED]->(j:Content)
WITH u, v, reach, j, sum(CASE type(c)
    WHEN 'RATED' THEN CASE WHEN c.rating >= $liked_from
      THEN $liked_base + $liked_span * (c.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN c.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN c.signal = 'click' THEN $click ELSE 0.0 END
  END) AS weight
WHERE weight > 0
WITH u, v, reach, collect({title: j, weight: weight}) AS titles, sum(weight) AS degree
UNWIND titles AS step
WITH step.title AS j, sum(reach * (step.weight / degree) ^ $alpha) AS walk
WHERE j.kind IN $kinds
OPTIONAL MATCH (:User {id: $user_id})-[own:RATED|WATCHED|INTERACTED]->(j)
WITH j, walk, count(own) AS own
WHERE own = 0
WITH j, walk, reduce(total = 0.0, weight IN [(j)<-[e:RATED|WATCHED|INTERACTED]-(:User) | CASE type(e)
    WHEN 'RATED' THEN CASE WHEN e.rating >= $liked_from
      THEN $liked_base + $liked_span * (e.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN e.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN e.signal = 'click' THEN $click ELSE 0.0 END
  END] | total + weight) AS degree
RETURN j.id AS id, walk / degree ^ $beta AS score
ORDER BY score DESC, id
LIMIT $k
