"""Delivery: the outbox (what to send), the worker that sends it with retries, and the SMTP mailer."""
