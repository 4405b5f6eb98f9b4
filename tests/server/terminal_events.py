"""Events as an honest terminal builds them (figures from ``posapp.domain``), ready to be tampered with."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from uuid6 import uuid7

from posapp.domain.cart import Cart, CartLine, Discount
from posapp.domain.points import PointsPolicy, points_earned, points_returned, returned_goods_value
from posapp.domain.tax import TaxClass, TaxPolicy
from tests.server.conftest import Api


@dataclass
class Line:
    """One line of a sale: ``price`` charged per unit, ``discount`` yen off the line."""

    sku: str
    price: int
    quantity: int = 1
    tax_class: str = "standard"
    discount: int = 0
    overridden: bool = False


@dataclass
class Till:
    """One terminal of a store: numbers its events and receipts like the real one."""

    store: str = "S001"
    terminal: str = "01"
    seq: int = 0
    receipts: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)

    def envelope(self, kind: str, payload: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        self.seq += 1
        event = {
            "id": str(uuid7()), "seq": self.seq, "kind": kind, "terminal_code": self.terminal,
            "store_code": self.store, "created_at": datetime.now(UTC).isoformat(), "payload": payload,
        }  # fmt: skip
        event.update(overrides)
        return event

    def receipt_no(self) -> str:
        self.receipts += 1
        return f"{self.store}-{self.terminal}-{self.receipts:06d}"

    def sale(
        self,
        *lines: Line,
        member: str | None = None,
        basket_discount: int = 0,
        points_used: int = 0,
        eat_in: bool = False,
        approvals: list[dict[str, str]] | None = None,
        **claims: Any,
    ) -> dict[str, Any]:
        """A ``sale.completed`` event with honest figures; ``claims`` overwrite payload fields."""
        cart = Cart(
            lines=tuple(
                CartLine(line.sku, f"商品{line.sku}", line.price, line.quantity, TaxClass(line.tax_class),
                         discount=Discount(amount=line.discount) if line.discount else None)
                for line in lines
            ),
            basket_discounts=(Discount(amount=basket_discount),) if basket_discount else (),
            points_used=points_used, eat_in=eat_in, policy=TaxPolicy(),
        )  # fmt: skip
        totals = cart.totals()
        now = datetime.now(UTC).isoformat()
        payload: dict[str, Any] = {
            "sale_id": str(uuid7()), "receipt_no": self.receipt_no(), "business_day": now[:10],
            "sold_at": now, "clerk_code": "1001", "member_no": member, "eat_in": eat_in,
            "lines": [
                {"line_no": i + 1, "sku": c.sku, "name": c.name, "quantity": c.quantity, "unit_price": c.price,
                 "discount": c.discount_amount, "amount": c.amount, "tax_class": c.tax_class.value,
                 "rate": c.rate(eat_in=eat_in), "price_overridden": line.overridden}
                for i, (c, line) in enumerate(zip(cart.lines, lines, strict=True))
            ],
            "by_rate": [{"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in totals.by_rate],
            "subtotal": totals.subtotal,
            "discount": totals.basket_discount + sum(c.discount_amount for c in cart.lines),
            "points_discount": points_used, "total": totals.amount_due,
            # Nothing due (points, a 100 % discount): no payment, as no tender may be ¥0.
            "payments": [{"kind": "cash", "amount": totals.amount_due}] if totals.amount_due else [],
            "change": 0,
            "points_used": points_used,
            "points_earned": points_earned(totals, PointsPolicy()) if member else 0,
        }  # fmt: skip
        if approvals is not None:
            payload["approvals"] = approvals
        payload.update(claims)
        return self.envelope("sale.completed", payload)

    def void(self, sale: dict[str, Any], **claims: Any) -> dict[str, Any]:
        """A ``sale.voided`` event for ``sale`` (an event made by ``sale``)."""
        original = sale["payload"]
        payload = {
            "void_id": str(uuid7()), "original_sale_id": original["sale_id"],
            "original_receipt_no": original["receipt_no"], "receipt_no": self.receipt_no(),
            "voided_at": datetime.now(UTC).isoformat(), "clerk_code": "1001", "approved_by": "9001",
            "total": original["total"], "points_used": original["points_used"],
            "points_earned": original["points_earned"],
        }  # fmt: skip
        payload.update(claims)
        return self.envelope("sale.voided", payload)

    def return_(self, sale: dict[str, Any], returned: dict[str, int], **claims: Any) -> dict[str, Any]:
        """A ``return.completed`` event taking back ``returned`` (sku → quantity) of ``sale`` at the price paid."""
        original = sale["payload"]
        lines: list[dict[str, Any]] = []
        total = 0
        for sku, quantity in returned.items():
            sold = next(line for line in original["lines"] if line["sku"] == sku)
            amount = sold["amount"] * quantity // sold["quantity"]
            total += amount
            lines.append({"line_no": len(lines) + 1, "sku": sku, "name": sold["name"], "quantity": quantity,
                          "unit_price": sold["unit_price"], "amount": amount, "tax_class": sold["tax_class"],
                          "rate": sold["rate"]})  # fmt: skip
        by_rate: dict[int, int] = {}
        for line in lines:
            by_rate[line["rate"]] = by_rate.get(line["rate"], 0) + line["amount"]
        sold_lines = [(line["sku"], line["quantity"], line["amount"]) for line in original["lines"]]
        worth, of = returned_goods_value(sold_lines, returned)
        share_used = points_returned(
            original["points_used"], refunded=total, paid=original["total"], moved_before=0,
            goods_returned=worth, goods_sold=of,
        )  # fmt: skip
        share_earned = points_returned(
            original["points_earned"], refunded=total, paid=original["total"], moved_before=0,
            goods_returned=worth, goods_sold=of,
        )  # fmt: skip
        payload = {
            "return_id": str(uuid7()), "original_sale_id": original["sale_id"],
            "original_receipt_no": original["receipt_no"], "receipt_no": self.receipt_no(),
            "returned_at": datetime.now(UTC).isoformat(), "clerk_code": "1001", "approved_by": "9001",
            "member_no": original.get("member_no"), "lines": lines,
            "by_rate": [{"rate": rate, "taxable": amount, "tax": amount * rate // (100 + rate)}
                        for rate, amount in sorted(by_rate.items(), reverse=True)],
            "total": total, "refunds": [{"kind": "cash", "amount": total}],
            "points_restored": share_used, "points_taken_back": share_earned,
        }  # fmt: skip
        payload.update(claims)
        return self.envelope("return.completed", payload)


def push(api: Api, headers: dict[str, str], events: list[dict[str, Any]], *, terminal: str = "01") -> Any:
    """POST a gzipped push; returns the response."""
    body = json.dumps({"protocol_version": 1, "terminal_code": terminal, "events": events}).encode()
    return api.client.post(
        "/v1/sync/push", content=gzip.compress(body),
        headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )  # fmt: skip


def results(
    api: Api, headers: dict[str, str], events: list[dict[str, Any]], *, terminal: str = "01"
) -> list[Any]:
    """Push and return the per-event results (the push itself must answer 200)."""
    answer = push(api, headers, events, terminal=terminal)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def careful_only(monkeypatch: Any) -> None:
    """Send every event through the per-event path (the bulk path takes none)."""
    from sync.server.syncfeed import bulk

    monkeypatch.setattr(bulk, "fast_candidates", lambda *args, **kwargs: [])
