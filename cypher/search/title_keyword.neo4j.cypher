// Titles whose title or original title holds every one of $words, or two of them side by side as in $phrases
// (full-text index). Lucene syntax: (+a +b +c) OR "a b" OR "b c".
CALL db.index.fulltext.queryNodes('content_title',
  '(' + reduce(e = '', w IN $words | e + ' +' + w) + ')' + reduce(e = '', p IN $phrases | e + ' OR "' + p + '"'))
YIELD node, score
RETURN node.id AS id, node.title AS title, node.original_title AS original_title, score
ORDER BY score DESC, id
LIMIT $k
