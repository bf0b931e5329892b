"""Orders: line items, money, and the lifecycle from pending to delivered."""
