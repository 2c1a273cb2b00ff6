"""The job engine (Procrastinate, on PostgreSQL) as the rest of the service sees it:
work queued inside the caller's transaction. The workers that run it are ``api/workers``."""
