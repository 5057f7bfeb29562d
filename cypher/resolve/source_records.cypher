// Source records already in the graph, each with the entity it was resolved into and the resolver's notes on it.
// A record whose entity was deleted comes back with a null entity_id.
UNWIND $ids AS id
MATCH (s:SourceRecord {id: id})
OPTIONAL MATCH (e)-[:SOURCED_FROM]->(s)
RETURN s.id AS id, e.id AS entity_id, s.entity_label AS entity_label, s.match_rule AS match_rule,
       s.do_not_merge AS do_not_merge
