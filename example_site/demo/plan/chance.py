"""The seeded generator every planning step draws from, and the moments it picks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

#: The demo's history spans the last six months.
WINDOW_DAYS = 182


class Chance:
    """A seeded ``random.Random`` and the demo's time window, ending at ``now``.

    The planning steps share this one generator and draw from it in a fixed order:
    each step depends on the draws of the ones before it, so the order of the steps
    is part of what a seed means (reorder them and the seed gives another network).
    """

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=WINDOW_DAYS)

    def weighted(self, pairs: list[tuple] | tuple[tuple, ...]) -> Any:
        """One value of ``(value, weight)`` pairs."""
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def at(self, fraction: float) -> datetime:
        """The moment ``fraction`` (0 = six months ago, 1 = now) into the window."""
        return self.start + (self.now - self.start) * min(max(fraction, 0.0), 1.0)

    def between(self, earliest: datetime, latest: datetime | None = None) -> datetime:
        """A moment from ``earliest`` to ``latest`` (default: now)."""
        latest = latest or self.now
        if latest <= earliest:
            return earliest
        seconds = (latest - earliest).total_seconds()
        return earliest + timedelta(seconds=self.rng.uniform(0, seconds))

    def soon_after(self, moment: datetime, max_days: float) -> datetime:
        """A moment up to ``max_days`` after ``moment``, never after now."""
        return min(moment + timedelta(days=self.rng.uniform(0.01, max_days)), self.now)
