"""The REST facade at /v1: a route table over the GraphQL root fields, nothing more."""
