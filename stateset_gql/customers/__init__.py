"""Customers: the people and businesses that place orders."""
