"""Accounts, API keys, modes and scopes, authentication and idempotency."""
