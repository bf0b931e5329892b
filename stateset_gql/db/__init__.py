"""Storage: the declarative base, engines and sessions, and the unit of work."""
