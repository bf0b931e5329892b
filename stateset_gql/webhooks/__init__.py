"""Webhooks: endpoints, durable signed deliveries, and the loops that send them."""
