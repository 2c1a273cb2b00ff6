"""Workers on the job engine (PostgreSQL): ``casenote worker`` processes, on any number of
machines, run transcription and drafting, deliveries to the case system and the
retention sweep; the engine's heartbeats bring a dead worker's jobs back to the queue."""
