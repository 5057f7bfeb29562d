// A canonical title or person with its source records: what a split starts from.
OPTIONAL MATCH (c:Content {id: $id})
OPTIONAL MATCH (p:Person {id: $id})
WITH coalesce(c, p) AS e, CASE WHEN c IS NULL THEN 'Person' ELSE 'Content' END AS label
WHERE e IS NOT NULL
OPTIONAL MATCH (e)-[:SEASON_OF|EPISODE_OF]->(parent:Content)
OPTIONAL MATCH (e)-[:SOURCED_FROM]->(s:SourceRecord)
RETURN label,
       e {.kind, .title, .original_title, .year, .runtime_minutes, .synopsis, .language, .number, .popularity,
          .name, .birth_year} AS props,
       parent.id AS parent_id, collect(s {.id, .do_not_merge}) AS records
