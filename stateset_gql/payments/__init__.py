"""Payments and refunds of orders: the sandbox card processor and external payments."""
