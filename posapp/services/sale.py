"""A sale in progress: scans, the cart, the member and their points, coupons, tenders; then
``complete()`` (posapp.services.checkout) or ``suspend()`` (posapp.services.suspended).

The cart is an immutable domain value; every change makes a new one, so a refused change leaves the
sale exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from posapp.domain.barcodes import (
    MemberCard,
    ReceiptRef,
    normalise_scan_text,
    parse_scan,
)
from posapp.domain.cart import Cart, CartLine, CartTotals, Discount
from posapp.domain.errors import DomainError, InvalidBarcode, InvalidDiscount
from posapp.domain.points import check_redeemable
from posapp.domain.tax import TaxClass
from posapp.domain.tender import Settlement, Tender, TenderKind, settle
from posapp.services import catalog, checkout, customers, members, omni, suspended
from posapp.services.customers import CustomerInfo
from posapp.services.errors import ApprovalRequired, UnknownCustomer, UnknownProduct
from posapp.services.receipts import CompletedSale
from posapp.services.suspended import SuspendedSaleInfo

if TYPE_CHECKING:
    from posapp.services.counter import Approval, Counter


COUPON_PREFIX = "CPN:"
"""What a coupon's barcode (or the code typed after it) starts with."""


def needs_server(text: str) -> bool:
    """True for a scan that must ask the server (a coupon): run it off the GUI thread."""
    return text.strip().upper().startswith(COUPON_PREFIX)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan did: added a line, attached a customer, or named a receipt (for a return)."""

    line_index: int | None = None
    customer: CustomerInfo | None = None
    receipt_no: str | None = None
    coupon: omni.AppliedCoupon | None = None


class SaleSession:
    """One customer's sale at the counter."""

    def __init__(self, counter: Counter, cart: Cart | None = None) -> None:
        self.counter = counter
        self.cart = cart or Cart(policy=counter.settings.tax_policy())
        self.tenders: tuple[Tender, ...] = ()
        self.approvals: list[tuple[str, str]] = []
        self.points_hold: omni.HeldPoints | None = None
        """The server's hold on the points this sale uses (online); its push captures it."""
        self._customer: CustomerInfo | None = None
        self.coupon: omni.AppliedCoupon | None = None
        """The coupon on this sale (held on the server, or taken offline from a cached check)."""
        self.notice: DomainError | None = None
        """Something the cashier must be told after ``resume`` (a coupon that could not be kept)."""

    # ---- building the cart ------------------------------------------------------------------------

    @property
    def totals(self) -> CartTotals:
        """Totals per rate, discounts, amount due."""
        return self.cart.totals()

    def scan(self, text: str) -> ScanResult:
        """Act on any scanned or typed code, the one routing every client shares.

        A product adds a line; a member card, or a member number typed in the scan line, attaches
        that (existing) member; one of our receipts names it for a return; ``CPN:`` + a code applies
        the coupon (the server is asked, so callers run coupon scans off the GUI thread:
        ``needs_server(text)``). Anything else raises the scan's own error, unchanged.
        """
        if needs_server(text):
            return ScanResult(coupon=self.apply_coupon(text.strip()[len(COUPON_PREFIX) :]))
        try:
            scan = parse_scan(text, layouts=self.counter.in_store_layouts)
            if isinstance(scan, ReceiptRef | MemberCard):
                return self._act_on(scan)
            product, label_price = catalog.product_for_scan(self.counter.db.lookups(), scan)
        except (InvalidBarcode, UnknownProduct):
            member = self._typed_member(text)
            if member is None:
                raise
            self.customer = member
            return ScanResult(customer=member)
        return ScanResult(line_index=self._add(product, 1, label_price))

    def _typed_member(self, text: str) -> CustomerInfo | None:
        digits = normalise_scan_text(text)
        if not digits.isdigit():
            return None
        with self.counter.db.read() as session:
            try:
                return customers.get_customer(session, digits)
            except UnknownCustomer:
                return None

    def _act_on(self, scan: ReceiptRef | MemberCard) -> ScanResult:
        if isinstance(scan, MemberCard):
            with self.counter.db.read() as session:
                self.customer = customers.get_customer(session, scan.member_no)
            return ScanResult(customer=self.customer)
        return ScanResult(receipt_no=scan.receipt_no)

    def add_product(self, sku: str, quantity: int = 1) -> int:
        """Add a product chosen from search; returns the index of its line."""
        with self.counter.db.read() as session:
            product = catalog.product_by_sku(session, sku)
        return self._add(product, quantity, None)

    def _add(self, product: catalog.ProductInfo, quantity: int, label_price: int | None) -> int:
        line = CartLine(
            sku=product.sku,
            name=product.name,
            unit_price=label_price if label_price is not None else product.price,
            quantity=quantity,
            tax_class=TaxClass(product.tax_class),
            jan=product.jan,
            category=product.category,
        )
        self.cart = self.cart.add(line)
        return next(i for i in reversed(range(len(self.cart.lines))) if self.cart.lines[i].sku == product.sku)

    def set_quantity(self, index: int, quantity: int) -> None:
        """Change a line's quantity (1 … 999)."""
        self.cart = self.cart.with_quantity(index, quantity)

    def void_line(self, index: int) -> None:
        """Remove a line before payment (no approval needed: nothing was paid)."""
        self.cart = self.cart.without_line(index)

    def discount_line(
        self, index: int, discount: Discount | None, *, approval: Approval | None = None
    ) -> None:
        """A line discount; above the store's threshold it needs a manager's approval."""
        candidate = self.cart.with_line_discount(index, discount)
        line = candidate.lines[index]
        self._require_approval_for_discount(line.discount_amount, line.gross, approval, "line_discount")
        self.cart = candidate

    def discount_basket(self, discount: Discount, *, approval: Approval | None = None) -> None:
        """A basket discount, split across rates in proportion."""
        candidate = self.cart.with_basket_discount(discount)
        totals = candidate.totals()
        self._require_approval_for_discount(
            totals.basket_discount, totals.subtotal, approval, "basket_discount"
        )
        self.cart = candidate

    def _require_approval_for_discount(
        self, amount: int, base: int, approval: Approval | None, action: str
    ) -> None:
        threshold = self.counter.settings.approval_discount_percent
        if base > 0 and amount * 100 > base * threshold:
            if approval is None:
                raise ApprovalRequired("a discount this large needs a manager", value=amount)
            self.approvals.append((action, approval.manager_code))

    def override_price(self, index: int, price: int, *, approval: Approval) -> None:
        """Change a line's unit price (manager approval; the store's price limit applies)."""
        self.cart = self.cart.with_price_override(index, price, limit=self.counter.settings.price_limit)
        self.approvals.append(("price_override", approval.manager_code))

    def set_eat_in(self, eat_in: bool) -> None:
        """Eat-in makes food 10 %; take-out keeps it at 8 %."""
        self.cart = self.cart.with_eat_in(eat_in)

    @property
    def customer(self) -> CustomerInfo | None:
        """The member on the sale, if any."""
        return self._customer

    @customer.setter
    def customer(self, member: CustomerInfo | None) -> None:
        # Points in use are the member's: another member (or none) takes them off and gives the hold back.
        previous, self._customer = self._customer, member
        if previous is not None and (member is None or member.member_no != previous.member_no):
            if self.cart.points_used:
                self.cart = self.cart.with_points(0)
            self._release_points()

    def attach_customer(self, member_no: str) -> CustomerInfo:
        """Attach a member to the sale (points are earned and can be used)."""
        self.customer = members.member_info(self.counter, member_no)
        return self.customer

    def detach_customer(self) -> None:
        """Take the member off the sale (and any points they were using)."""
        self.customer = None

    def use_points(self, points: int) -> None:
        """Use the member's shared points as a discount (1 pt = ¥1).

        Every check runs before the sale changes, so a refusal leaves it exactly as it was: the
        points must not exceed what is due, nor leave a card (or other non-cash) tender paying more
        than is due. Online the server holds the points for this sale, so another register or the web
        shop cannot spend them too (``PointsHeldElsewhere``); offline the cached balance and the
        store's per-sale cap apply, and the server flags an overdraft when the sale arrives.
        """
        if self.customer is None:
            raise UnknownCustomer("attach a member before using points")
        fresh = members.member_info(self.counter, self.customer.member_no)
        try:
            candidate = self.cart.with_points(points)
        except InvalidDiscount:
            check_redeemable(points, balance=fresh.available_points)  # "not enough points" says more
            raise
        settle(candidate.totals().amount_due, self.tenders)  # refuses an overpaying non-cash tender
        held = self.points_hold
        if held is not None and held.points == points:
            self.cart = candidate
            return
        if points == 0:
            self.cart = candidate
            self._release_points()
            return
        new_hold = self._hold_instead(held, fresh.member_no, points)
        if new_hold is None:
            check_redeemable(
                points,
                balance=fresh.available_points,
                cap=checkout.offline_points_cap(self.counter.settings),
            )
        self.customer = fresh
        self.points_hold = new_hold
        self.cart = candidate

    def _hold_instead(
        self, old: omni.HeldPoints | None, member_no: str, points: int
    ) -> omni.HeldPoints | None:
        """A hold of ``points`` replacing ``old``; on a refusal ``old`` is kept (or taken again)."""
        if old is None:
            return omni.hold_points(self.counter, member_no, points)
        omni.release_points(self.counter, old)
        self.points_hold = None
        try:
            return omni.hold_points(self.counter, member_no, points)
        except DomainError:
            try:
                self.points_hold = omni.hold_points(self.counter, member_no, old.points)
            except DomainError:
                self.cart = self.cart.with_points(0)  # taken meanwhile elsewhere: nothing to keep
            raise

    def _release_points(self) -> None:
        held, self.points_hold = self.points_hold, None
        if held is not None:
            omni.release_points(self.counter, held)

    # ---- coupons ----------------------------------------------------------------------------------

    def apply_coupon(self, code: str) -> omni.AppliedCoupon:
        """Take a coupon off the basket (split across tax rates like any basket discount).

        Online the server checks the code and holds it for this sale until the sale's push redeems
        it (``CouponUsed`` / ``CouponHeld`` when it is used or on a sale at another register);
        offline only a code this terminal checked earlier is taken (else ``CouponOffline``). One
        coupon per sale; the discount is worked out on the lines of the coupon's categories. It needs
        no manager: HQ's campaign set its value and the server checked it.
        """
        if self.coupon is not None:
            raise omni.CouponRefused(
                "this sale already has a coupon", value=code, reason="coupon-one-per-sale"
            )
        applied = omni.take_coupon(self, code)
        try:
            self.cart = self.cart.with_basket_discount(Discount(amount=applied.discount, label=applied.label))
        except DomainError:
            omni.release_coupon(self.counter, applied)
            raise
        self.coupon = applied
        return applied

    def remove_coupon(self) -> None:
        """Take the coupon off the sale and give it back on the server (it can be used again)."""
        applied = self.coupon
        if applied is None:
            return
        cart = self.cart.without_basket_discounts()
        for discount in self.cart.basket_discounts:
            if discount.label != applied.label:
                cart = cart.with_basket_discount(discount)
        self.cart = cart
        self.coupon = None
        omni.release_coupon(self.counter, applied)

    def cancel(self) -> None:
        """The sale is abandoned: give back the points and the coupon it held on the server."""
        self._release_points()
        applied, self.coupon = self.coupon, None
        if applied is not None:
            omni.release_coupon(self.counter, applied)

    # ---- paying -----------------------------------------------------------------------------------

    def add_tender(self, kind: TenderKind, amount: int, *, reference: str | None = None) -> Settlement:
        """Add a tender (split tender allowed); only cash may exceed what is due."""
        tender = Tender(kind, amount, reference)
        settlement = settle(self.totals.amount_due, (*self.tenders, tender))
        self.tenders = settlement.tenders
        return settlement

    def remove_tender(self, index: int) -> None:
        """Take back a tender added by mistake."""
        self.tenders = self.tenders[:index] + self.tenders[index + 1 :]

    @property
    def settlement(self) -> Settlement:
        """Tendered, change and what remains."""
        return settle(self.totals.amount_due, self.tenders)

    def complete(self) -> CompletedSale:
        """Store the sale. Every check runs before the write; the write is one transaction."""
        return checkout.complete(self)

    # ---- suspend and resume -----------------------------------------------------------------------

    def suspend(self, *, label: str = "") -> str:
        """Put the cart aside (保留); tenders are dropped, the customer is kept."""
        self.cart.require_lines()
        clerk = self.counter.require_clerk()
        cart = {**self.cart.to_dict(), "member_no": self.customer.member_no if self.customer else None}
        if self.coupon is not None:  # kept held on the server; resume holds it again
            coupon = self.coupon
            cart["coupon"] = {"code": coupon.code, "discount": coupon.discount,
                              "redemption_id": coupon.redemption_id, "member_no": coupon.member_no,
                              "held": coupon.held}  # fmt: skip
        suspended_id = suspended.put_aside(self.counter, cart=cart, clerk_code=clerk.code, label=label)
        self._release_points()  # a resumed cart starts without points
        self.coupon = None  # it belongs to the suspended cart now
        return suspended_id

    @classmethod
    def list_suspended(cls, counter: Counter) -> list[SuspendedSaleInfo]:
        """The suspended carts, oldest first."""
        return suspended.list_suspended(counter)

    @classmethod
    def resume(cls, counter: Counter, suspended_id: str) -> SaleSession:
        """Take a suspended cart back (and off the list) in one step."""
        data = suspended.take_back(counter, suspended_id)
        # A resumed cart starts without points: the hold on them was given back when it was put aside.
        sale = cls(counter, Cart.from_dict(data, policy=counter.settings.tax_policy()).with_points(0))
        if data.get("member_no"):
            sale.customer = members.member_info(counter, data["member_no"])
        if data.get("coupon"):
            sale._take_back_coupon(omni.AppliedCoupon(**data["coupon"]))
        return sale

    def _take_back_coupon(self, applied: omni.AppliedCoupon) -> None:
        """A resumed cart's coupon: held again (extended); dropped with a ``notice`` if taken meanwhile.

        Offline it stays with the sale as it was checked, and the server redeems it when the sale arrives.
        """
        self.coupon = applied
        if not applied.held:
            return
        try:
            self.coupon = omni.hold_coupon(self.counter, applied)
        except omni.CouponOffline:
            pass
        except omni.CouponRefused as refused:
            self.remove_coupon()
            self.notice = refused
