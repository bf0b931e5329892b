"""The GraphQL API: the Strawberry schema is the single source of truth."""
