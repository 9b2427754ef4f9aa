"""The worker: the durable inbox, the job runner, and what the bot does per event."""
