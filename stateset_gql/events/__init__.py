"""The event outbox: every change's event, written in the change's own transaction."""
