"""The manager's stock, today's numbers and attention tabs: views over the Terminal API, no rules here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posapp.services import Approval, Terminal
from posapp.services.attention import AttentionItem
from posapp.services.day_report import SalesReport
from posapp.services.link import StockView
from posapp.ui.bar_chart import BarChart
from posapp.ui.formatting import local_time, tender_text, yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button

Runner = Callable[[Callable[[], Any], Callable[[Any], None]], None]


class StockTab(QWidget):
    """Stock of one product in every location (live or cached, labelled), receive and adjust, low stock."""

    def __init__(
        self, terminal: Terminal, approval: Approval, run: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.terminal, self.approval, self.run = terminal, approval, run
        self.query = QLineEdit()
        self.query.setPlaceholderText(tr("品名・JAN・SKU"))
        self.query.returnPressed.connect(self.look_up)
        self.levels = QPlainTextEdit()
        self.levels.setReadOnly(True)
        self.levels.setObjectName("reportText")
        self.quantity = QSpinBox()
        self.quantity.setRange(-100_000, 100_000)
        self.reason = QComboBox()
        for label, value in ((tr("入荷"), "received"), (tr("棚卸"), "counted"), (tr("破損"), "damaged"),
                             (tr("紛失"), "lost")):  # fmt: skip
            self.reason.addItem(label, value)
        apply = touch_button(tr("在庫を更新"), name="primary")
        apply.clicked.connect(self.change_stock)
        self.low = QListWidget()
        form = QFormLayout()
        form.addRow(tr("数量"), self.quantity)
        form.addRow(tr("理由"), self.reason)
        form.addRow("", apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.levels, 2)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("発注点を下回った商品")))
        layout.addWidget(self.low, 1)
        self.sku = ""
        self.load_low_stock()

    def look_up(self) -> None:
        """Find the product, then ask for its stock everywhere."""
        text, terminal = self.query.text().strip(), self.terminal

        def op() -> tuple[str, str, StockView] | None:
            found = terminal.search_products(text, limit=1)
            return (
                None if not found else (found[0].sku, found[0].name, terminal.stock_everywhere(found[0].sku))
            )

        self.run(op, self._show)

    def _show(self, found: tuple[str, str, StockView] | None) -> None:
        if found is None:
            self.levels.setPlainText(tr("該当する商品がありません"))
            return
        self.sku, name, view = found
        zone = self.terminal.settings.timezone
        source = (
            tr("サーバー(最新)")
            if view.live
            else tr("このレジの記録") + f" {local_time(view.as_of, zone, '%H:%M')}"
        )
        lines = [f"{name}  ({self.sku})", tr("時点") + f": {source}", ""]
        for level in view.levels:
            when = local_time(level.updated_at, zone, "%m/%d %H:%M") if level.updated_at else "—"
            mark = "  ⚠" if level.quantity < 0 else ""
            lines.append(f"{level.location:<8} {level.quantity:>7,}   {when}{mark}")
        self.levels.setPlainText("\n".join(lines))

    def change_stock(self) -> None:
        """Receive goods or correct the count (audited, and synced to the chain)."""
        sku, delta, reason, approval = (
            self.sku,
            self.quantity.value(),
            str(self.reason.currentData()),
            self.approval,
        )
        if not sku:
            return
        if reason == "received":
            op = lambda: self.terminal.receive_stock(sku=sku, quantity=delta, approval=approval)  # noqa: E731
        else:
            op = lambda: self.terminal.adjust_stock(sku=sku, delta=delta, reason=reason, approval=approval)  # noqa: E731
        self.run(op, self._changed)

    def _changed(self, _change: object) -> None:
        self.look_up()
        self.load_low_stock()

    def load_low_stock(self) -> None:
        """This store's products at or below their reorder point."""

        def show(items: list[Any]) -> None:
            self.low.clear()
            for item in items:
                self.low.addItem(f"{item.name}  {item.quantity} / {item.reorder_point}")

        self.run(self.terminal.low_stock, show)


class NumbersTab(QWidget):
    """Today's (or this week's) numbers: a chart of sales by hour or day, and the figures beside it."""

    def __init__(self, terminal: Terminal, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.terminal, self.run = terminal, run
        self.period = QComboBox()
        self.period.addItem(tr("本日"), "day")
        self.period.addItem(tr("直近7日"), "week")
        self.period.currentIndexChanged.connect(self.load)
        self.chart = BarChart()
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setObjectName("reportText")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.summary, 2)
        self.report: SalesReport | None = None

    def load(self) -> None:
        """Compute the report on the worker."""
        week = self.period.currentData() == "week"
        op = self.terminal.week_report if week else self.terminal.day_report
        self.run(op, self.show_report)

    def show_report(self, report: SalesReport) -> None:
        """Draw the chart and write the figures."""
        self.report = report
        if report.first == report.last:
            bars = [(f"{h.hour}", h.amount) for h in report.by_hour]
            self.chart.show_bars(bars, x_title=tr("時"), y_title="¥")
        else:
            bars = [(d.day.strftime("%m/%d"), d.amount) for d in report.by_day]
            self.chart.show_bars(bars, y_title="¥")
        lines = [
            tr("純売上")
            + f" {yen(report.net_sales)}   "
            + tr("客数")
            + f" {report.customers}   "
            + tr("客単価")
            + f" {yen(report.average_basket)}   "
            + tr("点数")
            + f" {report.items}",
            tr("会員")
            + f" {report.member_customers} ({report.member_customer_share:.0%})   "
            + tr("会員売上比")
            + f" {report.member_sales_share:.0%}   "
            + tr("ポイント利用")
            + f" {report.points_used:,} / "
            + tr("付与")
            + f" {report.points_earned:,}",
            tr("取消")
            + f" {report.voids.count} {yen(report.voids.amount)}   "
            + tr("返品")
            + f" {report.returns.count} {yen(report.returns.amount)}",
            "  ".join(
                f"{tender_text(kind)} {yen(amount)}" for kind, amount in sorted(report.by_payment.items())
            ),
            "  ".join(
                (f"{r.rate}%" + tr("対象") + f" {yen(r.gross)} (" + tr("内税") + f" {yen(r.tax)})")
                for r in report.by_rate
            ),
            tr("現金")
            + ": "
            + tr("現金売上")
            + f" {yen(report.cash_sales)}  "
            + tr("現金返金")
            + f" {yen(report.cash_refunds)}  "
            + tr("入金")
            + f" {yen(report.cash_in)}  "
            + tr("出金")
            + f" {yen(report.cash_out)}  "
            + tr("店舗受取 代金")
            + f" {yen(report.pickup_cash)}  = {yen(report.drawer_cash)}",
            "",
            tr("売れ筋") + ":",
            *(f"  {p.name}  {p.quantity}  {yen(p.amount)}" for p in report.top_products[:10]),
        ]
        self.summary.setPlainText("\n".join(lines))


def attention_text(item: AttentionItem) -> str:  # noqa: PLR0911 - one sentence per kind of item
    """One line per item, in words a manager reads at a glance."""
    kind = item.kind
    if kind == "dead_letter":
        return "⚠ " + tr("送信できなかった記録") + f": {item.event_kind} — {item.error}"  # type: ignore[union-attr]
    if kind == "negative_stock":
        return "⚠ " + tr("在庫がマイナス") + f": {item.name} ({item.quantity})"  # type: ignore[union-attr]
    if kind == "stale_price":
        return (tr("旧価格での販売") + f": {item.receipt_no} {item.name} "  # type: ignore[union-attr]
                f"{yen(item.sold_price)} → {yen(item.current_price)}")  # type: ignore[union-attr]  # fmt: skip
    if kind == "offline_points":
        return tr("オフライン中のポイント利用") + f": {item.receipt_no} {item.points_used} pt"  # type: ignore[union-attr]
    if kind == "reversal":
        label = tr("取消") if item.reversal == "void" else tr("返品")  # type: ignore[union-attr]
        return (f"{label}: {item.original_receipt_no} {yen(item.amount)} "  # type: ignore[union-attr]
                f"{item.clerk_name} / " + tr("承認") + f" {item.approver_name}")  # type: ignore[union-attr]  # fmt: skip
    if kind == "printer":
        from posapp.devices.status import PrinterState
        from posapp.ui.device_words import status_text

        since = local_time(item.at, "Asia/Tokyo", "%H:%M")
        return f"{status_text(PrinterState(item.state))} — {since}"  # type: ignore[union-attr]
    if kind == "overdue_pickup":
        return "⚠ " + tr("受取期限を過ぎた注文") + f": {item.order_id} {item.customer_name}"  # type: ignore[union-attr]
    return "⚠ " + tr("印刷できなかったレシート") + f": {item.receipt_no} — {item.error}"  # type: ignore[union-attr]


class AttentionTab(QWidget):
    """What needs the manager today."""

    def __init__(self, terminal: Terminal, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.terminal, self.run = terminal, run
        self.items = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.items)

    def load(self) -> None:
        """Ask the terminal on the worker."""
        self.run(self.terminal.attention_items, self.show_items)

    def show_items(self, items: list[AttentionItem]) -> None:
        """One line per item, or a calm "nothing"."""
        self.items.clear()
        for item in items:
            self.items.addItem(attention_text(item))
        if not items:
            self.items.addItem(tr("確認が必要な項目はありません"))
