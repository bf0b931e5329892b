"""Returns of shipped orders: requested → approved → received → processed, or rejected."""
