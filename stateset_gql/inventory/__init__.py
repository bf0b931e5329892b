"""Inventory: stock per (sku, location), reserved by orders, consumed by shipping."""
