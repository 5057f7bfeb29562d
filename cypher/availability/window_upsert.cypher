// Availability windows: one reified node joining a title, a platform and a region, carrying the license terms.
// The most recently verified terms win, whatever order feeds arrive in. Title, platform and region are checked
// to exist before this runs, and a batch holds each window once.
// A new window is created with its three edges (CREATE); only a window that exists already is matched and merged:
// MERGE made FalkorDB look for the node and each edge first, a fifth of the time of a batch of new windows.
// The unique constraint on AvailabilityWindow.id backs the OPTIONAL MATCH + CREATE, as for titles.
// `written_at` is the server's clock at each write, whether or not the terms changed: a reader holding a copy of
// the windows (the recommender's snapshot, recommend/filters.py) asks for those written since it was taken.
// row: {id, content_id, platform_id, region_id, props}
UNWIND $rows AS row
MATCH (c:Content {id: row.content_id})
MATCH (p:Platform {id: row.platform_id})
MATCH (r:Region {id: row.region_id})
OPTIONAL MATCH (found:AvailabilityWindow {id: row.id})
FOREACH (_ IN CASE WHEN found IS NULL THEN [1] ELSE [] END |
  CREATE (w:AvailabilityWindow {id: row.id})-[:OF]->(c)
  CREATE (w)-[:ON]->(p)
  CREATE (w)-[:IN]->(r)
  SET w += row.props, w.written_at = timestamp())
FOREACH (_ IN CASE WHEN found IS NULL THEN [] ELSE [1] END |
  SET found += CASE WHEN found.verified_at IS NULL OR found.verified_at <= row.props.verified_at
                    THEN row.props ELSE {} END,
      found.written_at = timestamp()
  MERGE (found)-[:OF]->(c)
  MERGE (found)-[:ON]->(p)
  MERGE (found)-[:IN]->(r))
