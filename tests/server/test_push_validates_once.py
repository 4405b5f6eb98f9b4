"""A pushed sale's payload is validated into ``SaleCompleted`` once per push, whichever path takes it.

Validating a payload is the largest Python cost of a push after the recomputation; the bulk path
used to validate every sale to see whether it could take it, and the careful path validated again
each sale the bulk path left (points spent, an unknown SKU, payments that do not add up).
"""

from __future__ import annotations

from typing import Any

import pytest

from posapp.domain import tender
from sync.protocol import events as protocol_events
from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till, results


def count_sale_validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count ``SaleCompleted`` validations: its model validator calls ``check_tender_count`` once each."""
    calls: list[int] = []

    def counting(due: int, count: int) -> None:
        calls.append(due)
        tender.check_tender_count(due, count)

    monkeypatch.setattr(protocol_events, "check_tender_count", counting)
    return calls


def test_each_sale_is_validated_once_on_either_path(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    api.products(product("TEA", 138, "reduced"), product("STD", 1_000))
    device, till = api.device("S001"), Till()
    member = api.customer("S001")
    api.give_points(member["id"], 100)
    plain = till.sale(Line("TEA", 138), Line("STD", 1_000, quantity=2))  # the bulk path
    spending = till.sale(Line("STD", 1_000), member=member["member_no"], points_used=50)  # careful path
    unknown = till.sale(Line("TEA", 138), Line("GONE", 500))  # the bulk path stops at it
    unpaid: dict[str, Any] = till.sale(Line("STD", 1_000))
    unpaid["payload"]["payments"] = [{"kind": "cash", "amount": 10}]  # refused: it does not add up
    after = till.sale(Line("TEA", 138))  # the bulk path again
    void = till.void(plain)
    pushed = [plain, spending, unknown, unpaid, after, void]
    calls = count_sale_validations(monkeypatch)

    answers = results(api, device, pushed)

    assert [a["status"] for a in answers] == [
        "applied",
        "applied",
        "applied",
        "rejected",
        "applied",
        "applied",
    ]
    assert "unknown_sku:GONE" in answers[2]["flags"]
    assert len(calls) == 5, f"{len(calls)} SaleCompleted validations for 5 sales"
    calls.clear()
    resent = [a["status"] for a in results(api, device, pushed)]
    assert resent == ["duplicate", "duplicate", "duplicate", "rejected", "duplicate", "duplicate"]
    assert calls == []  # a resend is answered from the stored hash, nothing validated
