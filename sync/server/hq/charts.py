"""Bar charts as SVG, drawn on the server: no chart library, no script, scales with the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 1000, 260
LEFT, BOTTOM, TOP = 70, 28, 12


@dataclass(frozen=True, slots=True)
class Bar:
    """One stacked segment: its x slot, y from and to (in chart units), and its CSS class."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    """What the template draws: bars, y-axis ticks and x labels (every n-th period)."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    labels: list[tuple[float, str]]
    baseline: float


def _nice_step(top: int) -> int:
    raw = max(1, top // 4)
    magnitude: int = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def stacked_bars(
    series: dict[date, dict[str, int]], channels: tuple[str, ...], label_format: str = "%m/%d"
) -> Chart:
    """Net sales per period, one stacked bar per period (negative days are drawn as zero)."""
    periods = sorted(series)
    top = max([sum(max(0, series[p].get(c, 0)) for c in channels) for p in periods] + [1])
    step = _nice_step(top)
    ceiling = step * (top // step + 1)
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(periods))
    bars: list[Bar] = []
    for index, period in enumerate(periods):
        y = float(HEIGHT - BOTTOM)
        for channel in channels:
            value = max(0, series[period].get(channel, 0))
            height = plot_h * value / ceiling
            y -= height
            bars.append(Bar(LEFT + index * slot + slot * 0.15, y, slot * 0.7, height, f"bar-{channel}",
                            f"{period.isoformat()} {channel} ¥{value:,}"))  # fmt: skip
    ticks = [(HEIGHT - BOTTOM - plot_h * v / ceiling, f"¥{v:,}") for v in range(0, ceiling + 1, step)]
    every = max(1, len(periods) // 12)
    labels = [
        (LEFT + i * slot + slot / 2, p.strftime(label_format))
        for i, p in enumerate(periods)
        if i % every == 0
    ]
    return Chart(WIDTH, HEIGHT, bars, ticks, labels, HEIGHT - BOTTOM)
