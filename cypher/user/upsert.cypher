// row: {id, props, region_id, subscriptions: [platform id]}; region and platforms are checked to exist first.
UNWIND $rows AS row
MERGE (u:User {id: row.id})
SET u += row.props
FOREACH (region_id IN CASE WHEN row.region_id IS NULL THEN [] ELSE [row.region_id] END |
  MERGE (r:Region {id: region_id})
  MERGE (u)-[:LIVES_IN]->(r))
FOREACH (platform_id IN row.subscriptions |
  MERGE (p:Platform {id: platform_id})
  MERGE (u)-[:SUBSCRIBES_TO]->(p))
