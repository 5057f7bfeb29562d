// What GraphSAGE knows of a batch of titles besides their users: people, genres, moods and the text embedding.
UNWIND $ids AS id
MATCH (c:Content {id: id})
RETURN c.id AS id, c.text_embedding AS text_embedding,
       [(c)<-[:ACTED_IN|DIRECTED|WROTE]-(p:Person) | p.id] AS people,
       [(c)-[:IN_GENRE]->(g:Genre) | g.id] AS genres,
       [(c)-[:HAS_MOOD]->(m:Mood) | m.id] AS moods
