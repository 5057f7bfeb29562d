MATCH (c:Content)
WHERE c.text_hash IS NULL OR c.text_hash <> c.text_wanted_hash
RETURN count(c) AS count
