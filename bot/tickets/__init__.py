"""The request lifecycle: dialogue, consent, routing, take on, relay, close, hand over, remind, escalate."""
