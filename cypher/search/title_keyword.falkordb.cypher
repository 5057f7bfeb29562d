// Titles whose title or original title holds every one of $words, or two of them side by side as in $phrases
// (full-text index; stemmed, so "heists" finds "Heist"). RediSearch syntax: (a b c)|"a b"|"b c".
CALL db.idx.fulltext.queryNodes('Content',
  '(' + reduce(e = '', w IN $words | e + ' ' + w) + ')' + reduce(e = '', p IN $phrases | e + '|"' + p + '"'))
YIELD node, score
RETURN node.id AS id, node.title AS title, node.original_title AS original_title, score
ORDER BY score DESC, id
LIMIT $k
