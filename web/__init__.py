"""The bot's one HTTP app: the webhook, /healthz, /metrics and the Mini App."""
