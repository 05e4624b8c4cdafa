"""Notifications: customer emails for domain events (OrderConfirmed, OrderCancelled, UserRegistered) via SES."""
