"""Between Telegram and the handlers: the durable inbox and the one prioritized outbox."""
