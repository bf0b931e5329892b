"""StateSet GQL: the StateSet commerce-operations API, GraphQL-first."""

__version__ = "0.1.0"
