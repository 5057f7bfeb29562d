// The availability windows of many titles that have not ended by $now, with platform and region names.
UNWIND $ids AS id
MATCH (:Content {id: id})<-[:OF]-(w:AvailabilityWindow)
WHERE w.available_until IS NULL OR w.available_until > $now
OPTIONAL MATCH (w)-[:ON]->(p:Platform)
OPTIONAL MATCH (w)-[:IN]->(r:Region)
RETURN id, collect(w {.*, platform_name: p.name, region_name: r.name}) AS windows
