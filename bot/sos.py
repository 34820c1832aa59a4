"""The emergency numbers again: the full screen, or a short list of the same numbers she saw minutes ago.

A woman in danger tells her story in several short lines, each with danger words ("mein Mann schlägt mich",
"er hat mich wieder geschlagen", ...). The full emergency screen (every number with its description, ~22
lines) after every line flooded her chat: her conversation with a partner, or her draft, got lost between
the screens (exploratory test, sos2). So within `FULL_AGAIN_AFTER` of a full screen in her language, further
danger words get the short list: every number of the content with its name (and its hours where it is not
reachable day and night), the full screen one tap away, "Ask a person" and the menu.

Every number, not a guess at the kind of danger: the first version listed only the numbers of the entries
whose trigger words a line named, and left out the police for a rape the content names only the women's
helpline for, and read "mein Mann will mich umbringen" as suicide (review rv11). A list of five numbers is
short enough.

The window counts from the full screen only, recorded once it was sent (a screen Telegram refused is
shown again in full when the update is handled again): a reminder does not extend it, so a story told for
an hour shows the full screen every `FULL_AGAIN_AFTER`. A change of language brings the full screen (she may
not have been able to read the first one). Memory only (`bot.handlers.context.UserData`): after a restart
or /delete she gets the full screen again, the safe side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FULL_AGAIN_AFTER = timedelta(minutes=10)


@dataclass
class ShownNumbers:
    """When, and in which language, she was last sent the full emergency screen for her danger words."""

    at: datetime | None = None
    lang: str | None = None

    def full_due(self, lang: str, now: datetime) -> bool:
        """Whether danger words she writes at `now` in `lang` get the full screen (else the short list)."""
        return self.at is None or self.lang != lang or not self.at <= now < self.at + FULL_AGAIN_AFTER

    def shown(self, lang: str, now: datetime) -> None:
        """The full screen was sent to her at `now`, in `lang`."""
        self.at, self.lang = now, lang
