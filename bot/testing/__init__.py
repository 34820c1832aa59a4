"""Test infrastructure that is not part of the product: an in-memory Telegram Bot API.

Only the offline console (bot/console.py), the tests and the benchmarks import it; the product code never
does (tests/test_architecture.py guards that).
"""
