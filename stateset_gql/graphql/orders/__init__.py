"""Orders, payments and refunds over GraphQL."""
