"""Running it as a service: settings, logs (and, as they come, the CLI, backups, checks)."""
