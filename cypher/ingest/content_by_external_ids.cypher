// Titles by IMDb or TMDb id: how offers keyed by an external id find their title.
UNWIND $imdb_ids AS imdb_id
MATCH (c:Content {imdb_id: imdb_id})
RETURN 'imdb' AS scheme, imdb_id AS value, c.id AS id
UNION ALL
UNWIND $tmdb_ids AS tmdb_id
MATCH (c:Content {tmdb_id: tmdb_id})
RETURN 'tmdb' AS scheme, toString(tmdb_id) AS value, c.id AS id
