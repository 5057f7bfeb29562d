// Titles whose title or original title holds any of $words (full-text index; Lucene joins words with OR).
CALL db.index.fulltext.queryNodes('content_title', reduce(e = '', w IN $words | e + ' ' + w))
YIELD node, score
RETURN node.id AS id, node.title AS title, node.original_title AS original_title, score
ORDER BY score DESC, id
LIMIT $k
