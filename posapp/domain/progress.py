"""How long a download has left, from how fast it has gone lately (pure: no clock of its own)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 20.0


@dataclass
class RateMeter:
    """Rows per second over the last ``window`` seconds of samples, and the time left at that rate.

    Measured from what this process has seen, so a download resumed after a restart is timed from
    the resume, not from when it first started.
    """

    window: float = WINDOW_SECONDS
    _samples: deque[tuple[float, int]] = field(default_factory=deque)

    def add(self, at: float, rows_done: int) -> None:
        """Record that ``rows_done`` rows were done at time ``at`` (seconds, any monotonic clock)."""
        if self._samples and rows_done < self._samples[-1][1]:
            self._samples.clear()  # the download started over (a resync): the old rate means nothing
        self._samples.append((at, rows_done))
        while len(self._samples) > 2 and at - self._samples[1][0] >= self.window:
            self._samples.popleft()

    def rows_per_second(self) -> float | None:
        """The recent rate, or ``None`` before there is anything to measure."""
        if len(self._samples) < 2:
            return None
        (t0, r0), (t1, r1) = self._samples[0], self._samples[-1]
        return (r1 - r0) / (t1 - t0) if t1 > t0 and r1 > r0 else None

    def seconds_left(self, rows_total: int | None) -> float | None:
        """Time left to reach ``rows_total`` at the recent rate (``None`` when it cannot be told)."""
        rate = self.rows_per_second()
        if rate is None or rows_total is None or not self._samples:
            return None
        return max(0.0, (rows_total - self._samples[-1][1]) / rate)
