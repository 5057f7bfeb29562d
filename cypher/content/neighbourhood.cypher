// The two-hop neighbourhood of a title: other titles that share a person, genre or mood with it,
// the most connected first, each with the nodes it shares.
MATCH (c:Content {id: $id})-[]-(via)-[]-(other:Content)
WHERE other <> c AND (via:Person OR via:Genre OR via:Mood)
WITH other, collect(DISTINCT {id: via.id, label: labels(via)[0], name: via.name}) AS shared
RETURN other {.id, .kind, .title, .year} AS content, shared
ORDER BY size(shared) DESC, other.id
LIMIT $limit
