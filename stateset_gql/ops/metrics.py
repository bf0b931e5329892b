"""Prometheus metrics of one app: request counts and latency histograms, and the
webhook deliveries of its worker loops."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        # A registry per app, so several apps (tests) in one process never collide.
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "stateset_http_requests",
            "HTTP requests answered, by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stateset_http_request_duration_seconds",
            "Time to answer HTTP requests, by method and route.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "stateset_graphql_operations",
            "GraphQL operations executed, by type and outcome.",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.hot_rows_held = Histogram(
            "stateset_stock_lock_seconds",
            "How long a write held its hot rows (stock), from their lock to its commit.",
            buckets=(0.0005, *BUCKETS),
            registry=self.registry,
        )
        self.event_counter_held = Histogram(
            "stateset_event_counter_lock_seconds",
            "How long a write held its account's event counter, from numbering its events "
            "to its commit (every write of an account takes turns on it).",
            buckets=(0.0005, *BUCKETS),
            registry=self.registry,
        )
        self.events = Counter(
            "stateset_events_written", "Events written to the outbox.", registry=self.registry
        )
        self.broadcast_reconnects = Counter(
            "stateset_broadcast_reconnects",
            "Times the pub/sub listener lost Redis, or failed to reach it again, and reconnects.",
            registry=self.registry,
        )
        self.sockets = Gauge(
            "stateset_websockets_open", "GraphQL WebSockets open.", registry=self.registry
        )
        self.subscriptions = Gauge(
            "stateset_subscriptions_active",
            "GraphQL subscriptions running on this process.",
            registry=self.registry,
        )
        self.send_latency = Histogram(
            "stateset_subscription_send_seconds",
            "From an event's commit to its message being handed to the subscriber's socket.",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.slow_subscribers = Counter(
            "stateset_subscribers_dropped_slow",
            "Subscribers ended for falling 1,000 events behind.",
            registry=self.registry,
        )
        self.webhook_deliveries = Counter(
            "stateset_webhook_attempts",
            "Webhook delivery attempts, by outcome: succeeded, retrying, failed, superseded.",
            ["outcome"],
            registry=self.registry,
        )
        self.webhook_attempts = Histogram(
            "stateset_webhook_attempt_duration_seconds",
            "Time a webhook attempt took, from connecting to the response.",
            buckets=(*BUCKETS, 30.0),
            registry=self.registry,
        )
        self.webhook_due = Gauge(
            "stateset_webhook_deliveries_due",
            "Webhook deliveries due now and not yet taken by a worker.",
            registry=self.registry,
        )
        self.webhook_oldest_due = Gauge(
            "stateset_webhook_oldest_due_seconds",
            "How long the oldest due webhook delivery has been waiting.",
            registry=self.registry,
        )

        self.request_logs_written = Counter(
            "stateset_request_logs_written",
            "Request log rows written (in batches, off the requests' path).",
            registry=self.registry,
        )
        self.request_logs_dropped = Counter(
            "stateset_request_logs_dropped",
            "Request log rows dropped, by reason: full (the buffer was; the request did "
            "not wait) or failed (their batch's INSERT failed).",
            ["reason"],
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
