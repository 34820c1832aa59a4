"""The request lifecycle: dialogue, consent, routing, take on, relay, conversation, close, hand over, remind,
escalate. `desk` is what the rest of the bot calls: one transaction per call, plain values back."""
