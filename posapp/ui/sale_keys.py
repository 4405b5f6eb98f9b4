"""The sale screen's keys: a scan or typed text routed to the sale, and the function keys on the cart.

A mixin of :class:`posapp.ui.sale_view.SalePage`, which owns the widgets and the sale these act on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from posapp.domain.barcodes import normalise_scan_text
from posapp.domain.cart import Discount
from posapp.services.sale import needs_server
from posapp.ui.i18n import tr
from posapp.ui.messages import needs_approval

if TYPE_CHECKING:
    from posapp.services import Approval, omni
    from posapp.services.sale import SaleSession, ScanResult
    from posapp.ui.scan_input import ScanLineEdit
    from posapp.ui.widgets import Banner
    from posapp.ui.worker import DbWorker


class SaleKeys:
    """Scanning, typing and the function keys F3, F4, F5, F8 and F9."""

    if TYPE_CHECKING:  # provided by SalePage
        sale: SaleSession | None
        worker: DbWorker
        banner: Banner
        input: ScanLineEdit

        def begin(self) -> None: ...
        def refresh(self, select_row: int | None = None) -> None: ...
        def selected_row(self) -> int | None: ...
        def show_error(self, error: BaseException) -> None: ...
        def _leave_after_sale(self) -> None: ...
        def _attempt(self, change: Callable[[], object], select_row: int | None = None) -> bool: ...
        def _coupon_applied(self, applied: omni.AppliedCoupon) -> None: ...
        def open_returns(self, receipt_no: str = "") -> None: ...
        def open_search(self, query: str = "") -> None: ...
        def with_approval(self, action: str, then: Callable[[Approval], object]) -> None: ...

    def handle_scan(self, code: str) -> None:
        """A scanner burst or a typed code, routed by ``SaleSession.scan``: product, member card or
        number, receipt or coupon (a coupon asks the server, so it runs on the worker)."""
        if self.sale is None:
            return
        self._leave_after_sale()
        sale = self.sale
        if needs_server(code):
            self.worker.run(lambda: sale.scan(code), success=self._scanned, failure=self.show_error)
            return
        try:
            result = sale.scan(code)
        except Exception as error:  # noqa: BLE001 - any refusal of a service call is shown, never lost
            self.show_error(error)
            return
        self._scanned(result)

    def _scanned(self, result: ScanResult) -> None:
        self.banner.clear()
        if result.coupon is not None:
            self._coupon_applied(result.coupon)
            return
        if result.receipt_no is not None:
            self.open_returns(result.receipt_no)
            return
        if result.customer is not None:
            # An existing member was called up (registering happens in the member dialog).
            self.banner.show_info(tr("会員を呼び出しました") + f": {result.customer.name}")
        self.refresh(result.line_index)

    def handle_typed(self, text: str) -> None:
        """Typed text + Enter: a code is scanned, a name opens the search."""
        if not text:
            return
        code = normalise_scan_text(text)
        if (
            (code.isdigit() and len(code) >= 8)
            or (code.startswith(("R", "S")) and "-" in code)
            or needs_server(code)
        ):
            self.input.clear()
            self.handle_scan(code)
        elif code.isdigit():
            self.banner.show_info(tr("数字の後にF3で数量、F4で値引、F8でポイントです。"))
        else:
            self.input.clear()
            self.open_search(text)

    def _typed_number(self) -> int | None:
        text = normalise_scan_text(self.input.text()).rstrip("%")
        return int(text) if text.isdigit() else None

    def apply_quantity(self) -> None:
        """F3: the number typed becomes the quantity of the chosen line."""
        row, quantity = self.selected_row(), self._typed_number()
        if self.sale is None or row is None or quantity is None:
            self.banner.show_info(tr("数量を入力してからF3を押してください。"))
            return
        sale = self.sale
        self._attempt(lambda: sale.set_quantity(row, quantity), row)

    def apply_discount(self) -> None:
        """F4: ``50`` takes ¥50 off the chosen line, ``10%`` takes 10 %; a large one asks a manager."""
        text = normalise_scan_text(self.input.text())
        row, value = self.selected_row(), self._typed_number()
        if self.sale is None or row is None or value is None:
            self.banner.show_info(tr("値引額(例 50)または率(例 10%)を入力してからF4を押してください。"))
            return
        sale = self.sale
        try:
            discount = (
                Discount(percent=value, label=tr("値引"))
                if text.endswith("%")
                else Discount(amount=value, label=tr("値引"))
            )
            sale.discount_line(row, discount)
        except Exception as error:  # noqa: BLE001 - any refusal of a service call is shown, never lost
            if needs_approval(error):
                self.with_approval(
                    "line_discount",
                    lambda ok: self._attempt(lambda: sale.discount_line(row, discount, approval=ok), row),
                )
            else:
                self.show_error(error)
            return
        self._attempt(lambda: None, row)

    def apply_points(self) -> None:
        """F8: use the typed number of points, or as many as cover the total."""
        sale = self.sale
        if sale is None or sale.customer is None:
            self.banner.show_info(tr("先に会員カードをスキャンしてください。"))
            return
        typed = self._typed_number()
        wanted = (
            typed
            if typed is not None
            else min(sale.customer.available_points, sale.totals.amount_due + sale.cart.points_used)
        )
        # On the worker: online, the server holds the points (a network call); a refusal changes nothing.
        self.worker.run(
            lambda: sale.use_points(wanted),
            success=self._points_applied,
            failure=self.show_error,
        )

    def _points_applied(self, _result: None) -> None:
        self._attempt(lambda: None)

    def void_line(self) -> None:
        """F9: take the chosen line off the sale."""
        row = self.selected_row()
        if self.sale is None or row is None:
            return
        sale = self.sale
        self._attempt(lambda: sale.void_line(row), max(row - 1, 0))

    def suspend(self) -> None:
        """F5: put the cart aside and start a new one."""
        sale = self.sale
        if sale is None:
            return

        def done(_: str) -> None:
            self.banner.show_info(tr("保留しました。F6で呼び出せます。"))
            self.begin()

        self.worker.run(lambda: sale.suspend(), success=done, failure=self.show_error)
