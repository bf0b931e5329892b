"""Request logs: one row per authenticated API request (API.md section 15)."""
