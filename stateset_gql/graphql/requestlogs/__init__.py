"""Request logs in GraphQL (API.md section 15)."""
