// For each title of $ids, the title of the viewer's own that contributes most to its score in
// cypher/recommend/co_occurrence.cypher (same weights and parameters): the walks through it, summed.
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
WITH u, i, to_title, viewer.viewer AS v, (viewer.weight / degree) ^ $alpha AS to_viewer
WHERE v <> u
MATCH (v)-[c:RATED|WATCHED|INTERACTED]->(j:Content)
WHERE j.id IN $ids
WITH i, to_title, v, to_viewer, j, sum(CASE type(c)
    WHEN 'RATED' THEN CASE WHEN c.rating >= $liked_from
      THEN $liked_base + $liked_span * (c.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN c.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN c.signal = 'click' THEN $click ELSE 0.0 END
  END) AS weight
WHERE weight > 0
WITH i, to_title, to_viewer, j, weight, reduce(total = 0.0, w IN [(v)-[e:RATED|WATCHED|INTERACTED]->(:Content) | CASE type(e)
    WHEN 'RATED' THEN CASE WHEN e.rating >= $liked_from
      THEN $liked_base + $liked_span * (e.rating - $liked_from) / ($top_stars - $liked_from) ELSE $watch_start END
    WHEN 'WATCHED' THEN CASE WHEN e.completed THEN $watch_complete ELSE $watch_start END
    ELSE CASE WHEN e.signal = 'click' THEN $click ELSE 0.0 END
  END] | total + w) AS degree
WITH j, i, to_title, sum(to_viewer * (weight / degree) ^ $alpha) AS onward
WITH j, i, to_title * onward AS contribution
ORDER BY contribution DESC, i.id
WITH j, collect({id: i.id, title: i.title})[0] AS best
RETURN j.id AS id, best.id AS because_id, best.title AS because_title
