// The seasons of shows and the episodes of seasons: where a season or episode record may already be.
UNWIND $parent_ids AS parent_id
MATCH (c:Content)-[:SEASON_OF|EPISODE_OF]->(:Content {id: parent_id})
RETURN c.id AS id
