"""The current request's id, for logs and error bodies."""

from __future__ import annotations

import contextvars
import logging

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stateset_request_id", default=None
)


# What a webhook attempt's line carries besides status and duration.
WEBHOOK_KEYS = ("delivery_id", "event_id", "event_type", "endpoint_id", "error")


class JSONFormatter(logging.Formatter):
    """One JSON object a line, carrying the request id of the request that logged it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key in ("method", "path", "status", "duration_ms", *WEBHOOK_KEYS):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn.access",):
        logging.getLogger(name).disabled = True
