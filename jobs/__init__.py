"""RQ jobs. Enqueue them by dotted path through `mediagateway.jobs.queue`, so the process that enqueues (the API)
never imports what a job needs (torch for `embed`)."""
