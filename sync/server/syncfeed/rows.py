"""Row builders shared by the bulk path and the per-event path: one way to turn a verdict into rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sync.protocol.events import Event, SaleCompleted
from sync.protocol.messages import EventStatus
from sync.server.auth.service import Caller
from sync.server.syncfeed.figures import SaleFigures


class PerRate(Protocol):
    """Anything with one rate's figures (the domain's ``RateTotal``, a stored ``StoreSaleRate``)."""

    @property
    def rate(self) -> int: ...
    @property
    def taxable(self) -> int: ...
    @property
    def tax(self) -> int: ...


def rate_rows(sale_id: str, by_rate: Iterable[PerRate], *, sign: int = 1) -> list[dict[str, Any]]:
    """``store_sale_rates`` rows of one sale (``sign=-1`` for a return or a void)."""
    return [
        {"sale_id": sale_id, "rate": rate.rate, "taxable": sign * rate.taxable, "tax": sign * rate.tax}
        for rate in by_rate
    ]


def sale_row(
    caller: Caller, sale: SaleCompleted, figures: SaleFigures, customer_id: int | None, now: datetime
) -> dict[str, Any]:
    """The ``store_sales`` row of a sale: the server's figures, never the terminal's claims."""
    return {
        "id": sale.sale_id,
        "store_id": caller.store_id,
        "kind": "sale",
        "receipt_no": sale.receipt_no,
        "customer_id": customer_id,
        "sold_at": sale.sold_at,
        "total": figures.total,
        "items": figures.items,
        "points_used": sale.points_used if customer_id is not None else 0,
        "points_earned": figures.points_earned,
        "created_at": now,
        "original_id": None,
    }


def received_row(
    caller: Caller,
    event: Event,
    status: EventStatus,
    detail: str,
    flags: list[str],
    now: datetime,
    *,
    payload_hash: str | None = None,
) -> dict[str, Any]:
    """The ``received_events`` row recording what became of ``event`` (its hash, when already made)."""
    return {
        "id": event.id,
        "store_id": caller.store_id,
        "device_id": caller.credential_id,
        "terminal_code": event.terminal_code[:10],
        "seq": event.seq,
        "kind": event.kind.value,
        "payload_hash": payload_hash or event.payload_hash(),
        "payload": event.payload,
        "status": status.value,
        "detail": detail,
        "flags": flags,
        "created_at": event.created_at,
        "received_at": now,
    }
