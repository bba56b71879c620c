"""The time reading one input may still take, within the time limit per file (``--timeout``).

A fetch of a URL (:mod:`corpus.inputs.urls`) and a read from an object store
(:mod:`corpus.inputs.objects`) stop themselves before the limit: the worker kills what
outlives the limit itself (:mod:`corpus.workers`), and its message could not say what the
read was waiting for. So a fifth of the limit, at most 2 s, is left to them to say why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Deadline:
    """When a read must have stopped: ``ends`` on the monotonic clock, None for no limit."""

    limit: float | None
    ends: float | None

    @classmethod
    def start(cls, limit: float | None) -> Self:
        if limit is None:
            return cls(None, None)
        return cls(limit, time.monotonic() + limit - min(2.0, limit / 5))

    def remaining(self) -> float:
        """Seconds left (infinite without a limit; zero or less once passed)."""
        return float("inf") if self.ends is None else self.ends - time.monotonic()
