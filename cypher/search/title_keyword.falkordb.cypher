// Titles whose title or original title holds any of $words (full-text index; stemmed, so "heists" finds "Heist").
// RediSearch syntax: words joined by | match any of them.
CALL db.idx.fulltext.queryNodes('Content', reduce(e = '', w IN $words | e + CASE WHEN e = '' THEN '' ELSE '|' END + w))
YIELD node, score
RETURN node.id AS id, node.title AS title, node.original_title AS original_title, score
ORDER BY score DESC, id
LIMIT $k
