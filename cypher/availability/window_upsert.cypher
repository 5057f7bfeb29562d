// Availability windows: one reified node joining a title, a platform and a region, carrying the license terms.
// Title, platform and region are checked to exist before this runs.
// row: {id, content_id, platform_id, region_id, props}
UNWIND $rows AS row
MATCH (c:Content {id: row.content_id})
MATCH (p:Platform {id: row.platform_id})
MATCH (r:Region {id: row.region_id})
MERGE (w:AvailabilityWindow {id: row.id})
SET w += row.props
MERGE (w)-[:OF]->(c)
MERGE (w)-[:ON]->(p)
MERGE (w)-[:IN]->(r)
