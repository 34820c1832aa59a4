"""The emergency numbers again: the full screen, or a short reminder of numbers she saw minutes ago.

A woman in danger tells her story in several short lines, each with danger words ("mein Mann schlägt mich",
"er hat mich wieder geschlagen", ...). The full emergency screen after every line flooded her chat: her
conversation with a partner, or her draft, got lost between the screens (exploratory test, sos2). So the
full screen comes once for each kind of danger; further lines naming only that kind, within
`FULL_AGAIN_AFTER` of the full screen, get one line with its numbers (and a button for the full screen).

The kind of danger is the content's emergency entries the danger words are triggers of
(`SearchEngine.emergency_entries`): "mein Mann schlägt mich" names the women's helpline and the police,
"ich will nicht mehr leben" the crisis line. A line naming an entry whose full screen she did not see in
that time (suicide words after violence, fire, a medical emergency) gets the full screen; so does a line
whose kind nobody can tell (an emergency told by its meaning, a built-in danger word no entry names):
a missed number is worse than a screen too many.

The window counts from the full screen only: a reminder does not extend it, so a story told for an hour
shows the full screen every `FULL_AGAIN_AFTER`. Memory only (`bot.handlers.context.UserData`): after a
restart she gets the full screen again, the safe side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FULL_AGAIN_AFTER = timedelta(minutes=10)


@dataclass
class ShownNumbers:
    """When she was last shown the full emergency screen for each emergency entry (content id)."""

    at: dict[str, datetime] = field(default_factory=dict)

    def reminder(self, named: Iterable[str] | None, now: datetime) -> frozenset[str] | None:
        """The entries a short reminder shows for a message whose danger words name `named` (None: nobody
        can tell the kind) at `now`: all of them, when the full screen was shown for each within
        `FULL_AGAIN_AFTER`. None: the full screen is due, and it is remembered as shown now for `named`."""
        entries = frozenset(named or ())
        if entries and all(self._recent(entry, now) for entry in entries):
            return entries
        for entry in entries:
            self.at[entry] = now
        return None

    def _recent(self, entry: str, now: datetime) -> bool:
        shown = self.at.get(entry)
        return shown is not None and shown <= now < shown + FULL_AGAIN_AFTER
