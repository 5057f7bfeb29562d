// The source records a record must never again be merged with (after a split). row: {id, do_not_merge}
UNWIND $rows AS row
MATCH (s:SourceRecord {id: row.id})
SET s.do_not_merge = row.do_not_merge
