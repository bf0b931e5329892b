"""HTTP plumbing shared by every surface: request ids, limits, errors, operations."""
