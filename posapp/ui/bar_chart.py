"""A bar chart drawn with QPainter: sales by hour or by day on the manager screen.

One chart does not justify matplotlib and numpy (about 64 MB of the desktop bundle, and a font cache
of their own that missed Japanese fonts installed later); this draws with the window's own font.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_COLOUR = QColor("#1f5fbf")
AXIS_COLOUR = QColor("#444444")


def nice_step(top: int, ticks: int = 4) -> int:
    """A round tick interval (1, 2 or 5 × a power of ten) giving about ``ticks`` lines up to ``top``."""
    raw = max(top / ticks, 1)
    power: int = 10 ** (len(str(int(raw))) - 1)
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class BarChart(QWidget):
    """Bars with their labels below, a value axis with round ticks, and axis titles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[tuple[str, int]] = []
        self.x_title = ""
        self.y_title = ""
        self.format_value: Callable[[int], str] = lambda value: f"{value:,}"

    def sizeHint(self) -> QSize:
        """Wide and low, under the period selector."""
        return QSize(600, 260)

    def show_bars(self, bars: Sequence[tuple[str, int]], *, x_title: str = "", y_title: str = "") -> None:
        """Replace the data and redraw."""
        self.bars = list(bars)
        self.x_title, self.y_title = x_title, y_title
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: ARG002 - Qt override
        """Axes, ticks, bars and labels, scaled to the widget."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        top_value = max([value for _label, value in self.bars] + [1])
        step = nice_step(top_value)
        top_tick = -(-top_value // step) * step
        ticks = list(range(0, top_tick + 1, step))
        left = max(metrics.horizontalAdvance(self.format_value(t)) for t in ticks) + line + 12
        plot = QRectF(left, line, self.width() - left - 12, self.height() - 3 * line - 8)
        if plot.width() <= 0 or plot.height() <= 0:
            return
        painter.setPen(QPen(AXIS_COLOUR, 1))
        for tick in ticks:
            y = plot.bottom() - plot.height() * tick / top_tick
            painter.drawLine(int(plot.left()) - 4, int(y), int(plot.left()), int(y))
            text = self.format_value(tick)
            painter.drawText(
                QRectF(line, y - line / 2, left - line - 8, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if self.bars:
            slot = plot.width() / len(self.bars)
            every = max(1, int(metrics.horizontalAdvance("00/00 ") // max(slot, 1)) + 1)
            for index, (label, value) in enumerate(self.bars):
                height = plot.height() * value / top_tick
                bar = QRectF(plot.left() + slot * (index + 0.15), plot.bottom() - height, slot * 0.7, height)
                painter.fillRect(bar, BAR_COLOUR)
                if index % every == 0:  # labels never overlap: every n-th one when the bars are narrow
                    painter.drawText(
                        QRectF(plot.left() + slot * index - slot, plot.bottom() + 2, slot * 3, line),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                        label,
                    )
        if self.x_title:
            painter.drawText(
                QRectF(plot.left(), plot.bottom() + line + 4, plot.width(), line),
                Qt.AlignmentFlag.AlignHCenter,
                self.x_title,
            )
        if self.y_title:
            painter.save()
            painter.translate(2, plot.center().y())
            painter.rotate(-90)
            painter.drawText(
                QRectF(-plot.height() / 2, 0, plot.height(), line),
                Qt.AlignmentFlag.AlignHCenter,
                self.y_title,
            )
            painter.restore()
        painter.end()
