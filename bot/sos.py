"""The emergency numbers again: the full screen, or a short reminder of numbers she saw minutes ago.

A woman in danger tells her story in several short lines, each with danger words ("mein Mann schlägt mich",
"er hat mich wieder geschlagen", ...). The full emergency screen after every line flooded her chat: her
conversation with a partner, or her draft, got lost between the screens (exploratory test, sos2). So the
full screen comes once for each kind of danger; further lines naming only that kind, within
`FULL_AGAIN_AFTER` of the full screen, get one line with the numbers of that kind (and a button for the full
screen).

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
    """When she was last shown the full emergency screen for a kind of danger (the entries her words named
    then: content ids), the kinds of the last `FULL_AGAIN_AFTER` only."""

    at: dict[frozenset[str], datetime] = field(default_factory=dict)

    def reminder(self, named: Iterable[str] | None, now: datetime) -> frozenset[str] | None:
        """The entries a short reminder shows for a message whose danger words name `named` (None: nobody
        can tell the kind) at `now`, when the full screen was shown for each of them within
        `FULL_AGAIN_AFTER`: the kinds of those full screens ("er hat mich wieder geschlagen" names the
        police, the reminder has the women's helpline too that "mein Mann schlägt mich" brought). None: the
        full screen is due, and it is remembered as shown now for `named`."""
        entries = frozenset(named or ())
        self.at = {kind: shown for kind, shown in self.at.items() if shown <= now < shown + FULL_AGAIN_AFTER}
        if entries and entries <= frozenset().union(*self.at):
            return frozenset().union(*(kind for kind in self.at if kind & entries))
        if entries:
            self.at[entries] = now
        return None
