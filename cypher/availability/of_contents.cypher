// The availability windows of many titles that have not ended by $now, in $region (every region when null), with
// platform and region names. A region's windows alone: 0.49 against 0.71 ms of server time and 40% of the reply for
// 20 titles (bench/README.md).
// The WITH makes FalkorDB start from each title's id index and walk its windows; with the window condition in
// the same MATCH it scans every window of the graph instead (335 ms a title at 100,000 titles).
// Only windows have OF edges, and a window's ON and IN edges lead to its platform and region only, so none of their
// ends is labelled here: checking the labels cost FalkorDB 0.14 ms of 0.6 to 0.78 (20 titles, the same answers;
// bench/README.md).
UNWIND $ids AS id
MATCH (c:Content {id: id})
WITH id, c
MATCH (c)<-[:OF]-(w)
WHERE (w.available_until IS NULL OR w.available_until > $now) AND ($region IS NULL OR w.region_id = $region)
OPTIONAL MATCH (w)-[:ON]->(p)
OPTIONAL MATCH (w)-[:IN]->(r)
RETURN id, collect(w {.*, platform_name: p.name, region_name: r.name}) AS windows
