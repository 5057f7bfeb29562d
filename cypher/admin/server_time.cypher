// The store server's clock, in epoch milliseconds: the clock of the write stamps (`written_at`).
RETURN timestamp() AS now
