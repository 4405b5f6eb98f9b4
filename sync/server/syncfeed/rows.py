"""Row builders shared by the bulk path and the per-event path: one way to turn a verdict into rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


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
