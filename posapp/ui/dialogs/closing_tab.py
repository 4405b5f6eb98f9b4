"""The Z report (精算) tab: the drawer count, a confirmation, and a guard against a second Z.

The count fields are plain line edits with a digit validator, tall enough for a finger: the spin
boxes they replace showed no digits once the style sheet's padding left their editor 1 px wide.
A Z is confirmed before it runs; a second Z of the same period (a double press) is refused by the
Terminal API, and the manager must then choose on purpose to close again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from posapp.domain.closing import DENOMINATIONS
from posapp.services import Approval, Terminal
from posapp.services.closing import ClosingReport
from posapp.services.errors import PeriodAlreadyClosed
from posapp.services.manager import DayClose
from posapp.ui.formatting import local_time, parse_amount, yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import TOUCH_HEIGHT, Keypad, touch_button
from posapp.ui.worker import DbWorker

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
MAX_PIECES_TYPED = 99_999
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def report_text(report: ClosingReport) -> str:
    """The figures of an X or Z report, one per line."""
    from posapp.ui.formatting import tender_text

    f = report.figures
    lines = [
        tr("総売上") + f"  {yen(f.gross_sales)}",
        tr("純売上") + f"  {yen(f.net_sales)}",
        tr("客数") + f"  {f.customers}   " + tr("点数") + f"  {f.items}",
        tr("値引") + f"  {yen(f.discounts)}   " + tr("ポイント使用") + f"  {f.points_used:,} pt",
        tr("取消") + f"  {f.voids_count}" + tr("件") + f" {yen(f.voids_amount)}",
        tr("返品") + f"  {f.returns_count}" + tr("件") + f" {yen(f.returns_amount)}",
        tr("入金") + f"  {yen(f.cash_in)}   " + tr("出金") + f"  {yen(f.cash_out)}",
        tr("店舗受取 代金") + f"  {yen(f.pickup_cash)}",
        "",
    ]
    for rate in sorted(f.by_rate, key=lambda r: -r.rate):
        lines.append(
            f"{rate.rate}%" + tr("対象") + f"  {yen(rate.gross)}  (" + tr("内税") + f" {yen(rate.tax)})"
        )
    for kind, amount in f.by_tender.items():
        lines.append(f"{tender_text(kind)}  {yen(amount)}")
    lines += ["", tr("理論現金") + f"  {yen(f.expected_cash)}"]
    if report.closing_no is not None and report.reconciliation is not None:
        lines.insert(0, tr("精算") + f" No.{report.closing_no}")
        lines.append(tr("過不足") + f"  {yen(report.reconciliation.over_short)}")
    return "\n".join(lines)


class CountField(QLineEdit):
    """How many of one note or coin: digits only, right-aligned, touch-sized; Enter goes to the next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countField")
        self.setValidator(QIntValidator(0, MAX_PIECES_TYPED, self))
        self.setMaxLength(len(str(MAX_PIECES_TYPED)))
        self.setAlignment(RIGHT)
        self.setMinimumHeight(TOUCH_HEIGHT)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("99999") + 48)
        self.setPlaceholderText("0")

    def value(self) -> int:
        """The pieces typed (0 when empty)."""
        text = self.text().strip()
        return int(text) if text.isdigit() else 0

    def setValue(self, pieces: int) -> None:
        """Show ``pieces`` (empty for 0)."""
        self.setText(str(pieces) if pieces else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves on (the next denomination), like Tab; it never presses a dialog button."""
        if event.key() in ENTER_KEYS:
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)


class DenominationGrid(QWidget):
    """One row per note and coin: count × face = amount; total, expected, over/short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.expected = 0
        self.counts: dict[int, CountField] = {}
        self.amounts: dict[int, QLabel] = {}
        grid = QGridLayout(self)
        grid.setVerticalSpacing(4)
        for column, title in enumerate((tr("金種"), tr("枚数"), tr("金額"))):
            header = QLabel(title)
            header.setObjectName("sectionTitle")
            grid.addWidget(header, 0, column)
        for row, face in enumerate(DENOMINATIONS, start=1):
            grid.addWidget(QLabel(yen(face)), row, 0)
            field = CountField()
            field.textChanged.connect(lambda _t: self.refresh())
            amount = QLabel(yen(0))
            amount.setAlignment(RIGHT)
            grid.addWidget(field, row, 1)
            grid.addWidget(amount, row, 2)
            self.counts[face], self.amounts[face] = field, amount
        self.total = QLabel()
        self.total.setObjectName("gridTotal")
        self.expected_label = QLabel()
        self.over_short = QLabel()
        self.over_short.setObjectName("overShort")
        last = len(DENOMINATIONS) + 1
        for offset, (title, label) in enumerate(
            ((tr("合計"), self.total), (tr("理論現金"), self.expected_label), (tr("過不足"), self.over_short))
        ):
            grid.addWidget(QLabel(title), last + offset, 0)
            label.setAlignment(RIGHT)
            grid.addWidget(label, last + offset, 1, 1, 2)
        self.refresh()

    def count_map(self) -> dict[int, int]:
        """{face: pieces} counted."""
        return {face: field.value() for face, field in self.counts.items() if field.value()}

    def counted(self) -> int:
        """The drawer total counted."""
        return sum(face * pieces for face, pieces in self.count_map().items())

    def clear(self) -> None:
        """Empty every field (after a Z)."""
        for field in self.counts.values():
            field.clear()

    def refresh(self) -> None:
        """Recompute amounts, total and over/short."""
        for face, field in self.counts.items():
            self.amounts[face].setText(yen(face * field.value()))
        total = self.counted()
        self.total.setText(yen(total))
        self.expected_label.setText(yen(self.expected))
        difference = total - self.expected
        mark = "▲ " + tr("過剰") if difference > 0 else "▼ " + tr("不足") if difference < 0 else "✔"
        self.over_short.setText(f"{yen(difference)}  {mark}")


class ConfirmDialog(QDialog):
    """A yes / no question with touch buttons; Enter presses the focused (default) one, Esc says no."""

    def __init__(
        self, title: str, text: str, *, yes: str, no: str, default_yes: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("confirmDialog")
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.yes = touch_button(yes, name="primary" if default_yes else "", focus=True)
        self.no = touch_button(no, name="" if default_yes else "primary", focus=True)
        self.yes.clicked.connect(self.accept)
        self.no.clicked.connect(self.reject)
        self.chosen = self.yes if default_yes else self.no
        self.chosen.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.no)
        buttons.addStretch(1)
        buttons.addWidget(self.yes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def ask(self) -> None:
        """Show the question window-modal, with the keyboard on the default answer."""
        self.open()
        self.activateWindow()
        self.chosen.setFocus()


class ZTab(QWidget):
    """Count, confirm, close; a second Z of the period only on purpose."""

    def __init__(
        self,
        terminal: Terminal,
        approval: Approval,
        worker: DbWorker,
        show_error: Callable[[BaseException | str], None],
        clear_error: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.terminal, self.approval, self.worker = terminal, approval, worker
        self.show_error, self.clear_error = show_error, clear_error
        self.confirm: ConfirmDialog | None = None
        """The question on screen (the confirmation, or the second-Z choice); tests answer it by key."""
        self.busy = False
        self.grid = DenominationGrid()
        self.next_float = QLineEdit("30000")
        self.next_float.setObjectName("nextFloat")
        self.next_float.setMinimumHeight(TOUCH_HEIGHT)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setObjectName("reportText")
        self.run_button = touch_button(tr("精算を実行"), name="primary", focus=True)
        self.run_button.clicked.connect(self.ask)
        self.next_float.returnPressed.connect(self.run_button.setFocus)
        # For a touch screen: the keypad types into the count field (or the float) that has the focus;
        # 確定 moves to the next denomination, as Enter does.
        self.keypad = Keypad(self.grid.counts[DENOMINATIONS[0]])
        self.keypad.entered.connect(self._next_field)
        self.keypad.enter_button.setText(tr("次へ"))
        self.keypad.enter_button.setObjectName("keypadKey")  # the blue button is 精算を実行 alone
        side = QVBoxLayout()
        form = QFormLayout()
        form.addRow(tr("次回釣銭準備金"), self.next_float)
        side.addLayout(form)
        side.addWidget(self.keypad)
        side.addWidget(self.run_button)
        side.addWidget(self.result, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.grid, 3)
        layout.addLayout(side, 2)

    def _next_field(self) -> None:
        fields = [*self.grid.counts.values(), self.next_float]
        focused = QApplication.focusWidget()
        if focused in fields[:-1]:
            fields[fields.index(focused) + 1].setFocus()
        elif focused is self.next_float:
            self.run_button.setFocus()

    def ask(self) -> None:
        """Read the period's figures afresh, show what the Z will record and ask before running it.

        A press while a question is open or a Z is running is ignored.
        """
        if self.busy:
            return
        self.busy = True
        self.run_button.setEnabled(False)
        terminal = self.terminal
        self.worker.run(terminal.x_report, success=self._confirm, failure=self._failed)

    def _confirm(self, report: ClosingReport) -> None:
        self.grid.expected = report.figures.expected_cash
        self.grid.refresh()
        counted, expected = self.grid.counted(), self.grid.expected
        next_float = parse_amount(self.next_float.text()) or 0
        text = "\n".join(
            (
                tr("精算を実行しますか? 実行すると、この期間は締められます。"),
                "",
                tr("実在高") + f"  {yen(counted)}",
                tr("理論現金") + f"  {yen(expected)}",
                tr("過不足") + f"  {yen(counted - expected)}",
                tr("次回釣銭準備金") + f"  {yen(next_float)}",
            )
        )
        self._question(
            ConfirmDialog(
                tr("精算の確認"), text, yes=tr("精算する"), no=tr("戻る"), default_yes=True, parent=self
            ),
            lambda: self.run_z(repeat=False),
        )

    def _question(self, dialog: ConfirmDialog, then: Callable[[], None]) -> None:
        self.busy = True
        self.run_button.setEnabled(False)
        self.confirm = dialog
        dialog.accepted.connect(then)
        dialog.rejected.connect(self._idle)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        dialog.ask()

    def _forget(self, dialog: ConfirmDialog) -> None:
        if self.confirm is dialog:
            self.confirm = None
        dialog.deleteLater()

    def _idle(self) -> None:
        self.busy = False
        self.run_button.setEnabled(True)

    def run_z(self, *, repeat: bool) -> None:
        """Close the period with the counted drawer (on the worker)."""
        self.busy = True
        self.run_button.setEnabled(False)
        self.clear_error()
        counts, approval = self.grid.count_map(), self.approval
        next_float = parse_amount(self.next_float.text()) or 0
        terminal = self.terminal
        self.worker.run(
            lambda: terminal.close_day(
                counts=counts, next_float=next_float, approval=approval, repeat=repeat
            ),
            success=self._closed,
            failure=self._failed,
        )

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, PeriodAlreadyClosed):
            self._idle()
            self.show_error(error)
            return
        closed_at = error.params.get("closed_at")
        when = local_time(closed_at, self.terminal.settings.timezone, "%m/%d %H:%M") if closed_at else ""
        text = "\n".join(
            (
                tr("この期間はすでに精算済みです") + f" (No.{error.value}  {when})",
                tr("もう一度精算すると、新しい精算番号で記録されます。二度押しでなければ選んでください。"),
            )
        )
        self.show_error(tr("精算は実行されませんでした(精算済み)。"))
        self._question(
            ConfirmDialog(
                tr("精算済み"),
                text,
                yes=tr("もう一度精算する"),
                no=tr("やめる"),
                default_yes=False,
                parent=self,
            ),
            lambda: self.run_z(repeat=True),
        )

    def _closed(self, closed: DayClose) -> None:
        self._idle()
        self.grid.clear()
        text = report_text(closed.report)
        if closed.needs_warning:
            text = (
                tr("未送信の記録があります。サーバーにつながったら自動で送信されます。")
                + f" ({closed.unsynced_events})\n\n"
                + text
            )
        self.result.setPlainText(text)
