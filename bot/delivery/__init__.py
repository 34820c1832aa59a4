"""Delivery: the outbox (what to send), the worker that sends it with retries, the SMTP mailer, and the
listener for partners' e-mail replies (`inbound`)."""
