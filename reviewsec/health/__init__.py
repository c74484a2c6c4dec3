"""Operational health: /healthz (database, cache, broker, workers) and the Celery heartbeats."""
