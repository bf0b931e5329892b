"""Bulk jobs (API.md section 14): a mutation run once per line of variables, or a query's
connection exported whole, by the worker."""
