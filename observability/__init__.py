"""What the service tells its operators: Prometheus metrics (`metrics`) and JSON log lines (`logs`)."""
