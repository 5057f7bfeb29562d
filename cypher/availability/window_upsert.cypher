// Availability windows: one reified node joining a title, a platform and a region, carrying the license terms.
// The most recently verified terms win, whatever order feeds arrive in. Title, platform and region are checked
// to exist before this runs, and a batch holds each window once.
// row: {id, content_id, platform_id, region_id, props}
UNWIND $rows AS row
MATCH (c:Content {id: row.content_id})
MATCH (p:Platform {id: row.platform_id})
MATCH (r:Region {id: row.region_id})
MERGE (w:AvailabilityWindow {id: row.id})
SET w += CASE WHEN w.verified_at IS NULL OR w.verified_at <= row.props.verified_at THEN row.props ELSE {} END
MERGE (w)-[:OF]->(c)
MERGE (w)-[:ON]->(p)
MERGE (w)-[:IN]->(r)
