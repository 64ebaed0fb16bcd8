"""Prometheus metrics in a dedicated registry: updates, latency, sends, reminders, queues, size.

No label carries a user or chat id. Figures owned by other parts (the outbox's counts, the guided
sessions, the database) are read when scraped, so nothing else has to know about metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, make_asgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import Receive, Scope, Send

AnyApp = Any
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)


def _storage_of(data: Any) -> Any:
    """The wired Storage, or None (BotData.storage raises until it is wired)."""
    try:
        return data.storage
    except (AttributeError, RuntimeError):
        return None


class _Scraped(Collector):
    """Figures read from the running application at scrape time (getattr-safe)."""

    def __init__(self, application: AnyApp, reminders: dict[str, int]) -> None:
        self._app = application
        self._reminders = reminders

    def collect(self) -> Iterator[Metric]:
        data = self._app.bot_data
        inbox = getattr(data, "inbox", None)
        outbox = getattr(data, "outbox", None)
        depth = GaugeMetricFamily(
            "medial_queue_depth",
            "Updates waiting in the inbox, sends in the outbox",
            labels=["queue"],
        )
        depth.add_metric(["inbox"], float(inbox.depth()) if inbox is not None else 0.0)
        outbox_depth = getattr(outbox, "depth", None)
        depth.add_metric(["outbox"], float(outbox_depth()) if callable(outbox_depth) else 0.0)
        yield depth
        sends = CounterMetricFamily(
            "medial_sends", "Bot API calls by priority and result", labels=["priority", "result"]
        )
        for (priority, result), count in sorted(dict(getattr(outbox, "sent", {}) or {}).items()):
            sends.add_metric([str(priority), str(result)], float(count))
        yield sends
        yield CounterMetricFamily(
            "medial_retry_after",
            "429 Too Many Requests answers from Telegram",
            value=float(getattr(outbox, "retry_after_count", 0) or 0),
        )
        reminders = GaugeMetricFamily(
            "medial_reminders", "Reminder ledger entries by status", labels=["status"]
        )
        for status in ("sent", "failed", "dropped", "claimed"):
            reminders.add_metric([status], float(self._reminders.get(status, 0)))
        yield reminders
        runtime = getattr(data, "runtime", None)
        yield GaugeMetricFamily(
            "medial_guided_sessions",
            "Guided sessions running",
            value=float(len(runtime)) if runtime is not None else 0.0,
        )
        size = getattr(_storage_of(data), "database_bytes", None)
        yield GaugeMetricFamily(
            "medial_database_bytes",
            "Database file and WAL size",
            value=float(size()) if callable(size) else 0.0,
        )


class Metrics:
    """The registry and the metrics the bot updates as it runs."""

    def __init__(self, application: AnyApp) -> None:
        self._app = application
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "medial_updates_handled",
            "Updates handled, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "medial_reply_latency_seconds",
            "From an update's arrival to the end of its handler",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.webhook_rejected = Counter(
            "medial_webhook_rejected",
            "Webhook calls refused for a missing or wrong secret",
            registry=self.registry,
        )
        self._reminders: dict[str, int] = {}
        self.registry.register(_Scraped(application, self._reminders))
        inbox = getattr(application.bot_data, "inbox", None)
        if inbox is not None:
            inbox.on_handled.append(self.observe)

    def observe(self, kind: str, latency: float | None) -> None:
        """One update handled (the inbox calls this)."""
        self.updates.labels(kind).inc()
        if latency is not None:
            self.latency.observe(latency)

    async def refresh(self) -> None:
        """Read the figures that need a query."""
        counts = getattr(_storage_of(self._app.bot_data), "reminder_counts", None)
        if counts is None:
            return
        try:
            fresh = await counts()
        except Exception:
            return  # storage closed or busy: serve the last figures
        self._reminders.clear()
        self._reminders.update(fresh)

    def asgi(self) -> MetricsApp:
        """The /metrics endpoint: refresh, then prometheus-client's ASGI app."""
        return MetricsApp(self)


class MetricsApp:
    """ASGI app serving the registry (a class, so Starlette's Route treats it as ASGI)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._inner = make_asgi_app(registry=metrics.registry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one scrape."""
        if scope["type"] == "http":
            await self._metrics.refresh()
        await self._inner(scope, receive, send)
