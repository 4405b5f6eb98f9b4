"""The server decides money and points: a terminal's figures are claims (issue 15, "Why").

Every test pushes through the real ``/v1/sync/push`` endpoint as a hostile or broken terminal
would, on SQLite and PostgreSQL, and on both ingest paths where a sale can take either.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import select, text

from sync.server.sales.models import StoreSale
from sync.server.syncfeed.models import ReceivedEvent
from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till, careful_only, results

PATHS = ["bulk", "careful"]


@pytest.fixture(params=PATHS)
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which ingest path the sales take (the bulk path takes plain sales; returns and voids go one by one)."""
    if request.param == "careful":
        careful_only(monkeypatch)
    return str(request.param)


def setup_store(api: Api) -> tuple[dict[str, str], Till, dict[str, Any]]:
    api.products(product("TEA", 138, "reduced"), product("STD", 1_000), product("PEN", 200))
    device = api.device("S001")
    for sku in ("TEA", "STD", "PEN"):  # on the shelf, so only the tests about stock see negative stock
        body = {"location": "S001", "sku": sku, "delta": 10, "reason": "received"}
        assert api.client.post("/v1/admin/stock", json=body, headers=api.admin).status_code == 201
    member = api.customer("S001")
    return device, Till(), member


def balance(api: Api, customer_id: int) -> int:
    answer = api.client.get(f"/v1/customers/{customer_id}", headers=api.admin)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["points_balance"])


def level(api: Api, sku: str) -> int:
    answer = api.client.get(f"/v1/stock/{sku}", headers=api.admin)
    assert answer.status_code == 200, answer.text
    return next(int(x["quantity"]) for x in answer.json()["levels"] if x["location"] == "S001")


def stored(api: Api, sale_id: str) -> StoreSale:
    with api.session() as session:
        row = session.get(StoreSale, sale_id)
        assert row is not None
        session.expunge(row)
        return row


def paid_back(ret: dict[str, Any], amount: int, **points: int) -> dict[str, Any]:
    """``ret`` refunding ``amount`` on its one line (what the terminal refunds after a points discount)."""
    payload = ret["payload"]
    payload.update(points)
    payload["lines"][0]["amount"] = payload["total"] = payload["refunds"][0]["amount"] = amount
    rate = payload["lines"][0]["rate"]
    payload["by_rate"] = [{"rate": rate, "taxable": amount, "tax": amount * rate // (100 + rate)}]
    return ret


def refused_everywhere(api: Api, device: dict[str, str], event: dict[str, Any], words: str) -> None:
    """The event was refused with a reason the terminal (its push result, its store's dead letters) and HQ see."""
    [result] = results(api, device, [event])
    assert result["status"] == "rejected", result
    assert words in result["detail"]
    mine = api.client.get("/v1/sync/dead-letters", headers=device).json()
    assert any(d["event_id"] == event["id"] and words in d["detail"] for d in mine)
    hq = api.client.get("/v1/admin/operations/dead-letters", headers=api.admin).json()
    assert any(d["event_id"] == event["id"] and d["store"] == "S001" and words in d["detail"] for d in hq)


@pytest.mark.usefixtures("path")
def test_a_138_yen_sale_claiming_a_billion_points_earns_what_the_policy_gives(api: Api) -> None:
    device, till, member = setup_store(api)
    sale = till.sale(Line("TEA", 138), member=member["member_no"], points_earned=1_000_000_000)
    [result] = results(api, device, [sale])
    assert result["status"] == "applied"  # the sale happened: it is stored
    assert result["flags"] == ["points_earned_differ"]
    assert balance(api, member["id"]) == 1  # ¥138 earns 1 pt under policy v1, never the claim
    assert stored(api, sale["payload"]["sale_id"]).points_earned == 1


@pytest.mark.usefixtures("path")
def test_a_return_claiming_a_billion_points_restored_is_refused_and_changes_nothing(api: Api) -> None:
    device, till, member = setup_store(api)
    api.give_points(member["id"], 100)
    sale = till.sale(Line("STD", 1_000), member=member["member_no"], points_used=50)
    assert results(api, device, [sale])[0]["status"] == "applied"
    before = (balance(api, member["id"]), level(api, "STD"))
    greedy = paid_back(
        till.return_(sale, {"STD": 1}), 950, points_restored=1_000_000_000, points_taken_back=9
    )
    refused_everywhere(api, device, greedy, "points restored")
    assert (balance(api, member["id"]), level(api, "STD")) == before
    # The honest return refunds the ¥950 paid, restores the 50 points spent and takes back the 9 earned.
    honest = paid_back(till.return_(sale, {"STD": 1}), 950, points_restored=50, points_taken_back=9)
    assert results(api, device, [honest])[0] == {
        "id": honest["id"], "status": "applied", "detail": "", "flags": []
    }  # fmt: skip
    assert balance(api, member["id"]) == before[0] + 50 - 9
    assert level(api, "STD") == before[1] + 1


@pytest.mark.usefixtures("path")
def test_a_five_million_yen_void_of_a_138_yen_sale_is_refused(api: Api) -> None:
    device, till, _ = setup_store(api)
    sale = till.sale(Line("TEA", 138))
    assert results(api, device, [sale])[0]["status"] == "applied"
    refused_everywhere(api, device, till.void(sale, total=5_000_000), "the sale was ¥138")
    assert level(api, "TEA") == 9
    with api.session() as session:
        assert session.scalar(select(StoreSale).where(StoreSale.kind == "void")) is None


@pytest.mark.usefixtures("path")
def test_a_sale_is_voided_once(api: Api) -> None:
    device, till, member = setup_store(api)
    sale = till.sale(Line("TEA", 138, 2), member=member["member_no"])
    assert results(api, device, [sale])[0]["status"] == "applied"
    first, second = till.void(sale), till.void(sale)
    answers = results(api, device, [first, second])
    assert [a["status"] for a in answers] == ["applied", "rejected"]
    assert "already voided" in answers[1]["detail"]
    assert level(api, "TEA") == 10  # restored once, not twice
    assert balance(api, member["id"]) == 0
    refused_everywhere(api, device, till.void(sale), "already voided")  # and in a later push too
    assert level(api, "TEA") == 10


@pytest.mark.usefixtures("path")
def test_more_than_was_sold_cannot_be_returned(api: Api) -> None:
    device, till, _ = setup_store(api)
    sale = till.sale(Line("TEA", 138, 2), Line("PEN", 200))
    assert results(api, device, [sale])[0]["status"] == "applied"
    refused_everywhere(api, device, till.return_(sale, {"TEA": 3}), "3 returned, 2 left to return")
    other = till.return_(sale, {"PEN": 1})
    other["payload"]["lines"][0]["sku"] = "STD"
    refused_everywhere(api, device, other, "STD was not sold")
    inflated = till.return_(sale, {"PEN": 1})
    inflated["payload"]["lines"][0]["amount"] = 20_000
    inflated["payload"]["total"] = inflated["payload"]["refunds"][0]["amount"] = 20_000
    refused_everywhere(api, device, inflated, "¥20000 refunded, ¥200 left to refund")
    assert results(api, device, [till.return_(sale, {"TEA": 1})])[0]["status"] == "applied"
    refused_everywhere(api, device, till.return_(sale, {"TEA": 2}), "2 returned, 1 left to return")
    assert results(api, device, [till.return_(sale, {"TEA": 1})])[0]["status"] == "applied"
    assert level(api, "TEA") == 10
    refused_everywhere(api, device, till.void(sale), "were returned")  # no void after a return


@pytest.mark.usefixtures("path")
def test_lines_that_do_not_add_up_are_flagged_and_stored_with_the_servers_figures(api: Api) -> None:
    device, till, _ = setup_store(api)
    short = till.sale(Line("STD", 1_000), total=100, payments=[{"kind": "cash", "amount": 100}])
    wrong_line = till.sale(Line("TEA", 138, 2))
    wrong_line["payload"]["lines"][0]["amount"] = 1
    answers = results(api, device, [short, wrong_line])
    assert [(a["status"], a["flags"]) for a in answers] == [
        ("applied", ["total_differs"]),
        ("applied", ["line_amounts_differ"]),
    ]
    assert stored(api, short["payload"]["sale_id"]).total == 1_000
    assert stored(api, wrong_line["payload"]["sale_id"]).items[0]["amount"] == 276


@pytest.mark.usefixtures("path")
def test_tax_claims_are_flagged(api: Api) -> None:
    device, till, _ = setup_store(api)
    sale = till.sale(Line("STD", 1_000), by_rate=[{"rate": 10, "taxable": 1_000, "tax": 1}])
    assert results(api, device, [sale])[0]["flags"] == ["tax_differs"]


@pytest.mark.usefixtures("path")
def test_overrides_and_large_discounts_need_a_managers_approval(api: Api) -> None:
    device, till, _ = setup_store(api)
    for code, role in (("9001", "manager"), ("1001", "cashier")):
        body = {"store": "S001", "code": code, "name": "店長", "pin": "4826", "role": role}
        assert api.client.post("/v1/admin/clerks", json=body, headers=api.admin).status_code == 201
    manager = [{"action": "price_override", "manager_code": "9001"}]
    cashier = [{"action": "price_override", "manager_code": "1001"}]
    big = [{"action": "line_discount", "manager_code": "9001"}]
    events = [
        till.sale(Line("STD", 500, overridden=True)),  # no approval
        till.sale(Line("STD", 500, overridden=True), approvals=cashier),  # not a manager
        till.sale(Line("STD", 500, overridden=True), approvals=manager),
        till.sale(Line("STD", 1_000, discount=500)),  # 50 % off without approval
        till.sale(Line("STD", 1_000, discount=500), approvals=big),
        till.sale(Line("STD", 1_000, discount=100)),  # 10 %: under the threshold
        till.sale(Line("STD", 1_000), Line("PEN", 200), basket_discount=600),  # 50 % off the basket
    ]
    assert [a["flags"] for a in results(api, device, events)] == [
        ["override_unapproved"], ["override_unapproved"], [],
        ["discount_unapproved"], [], [],
        ["discount_unapproved"],
    ]  # fmt: skip


@pytest.mark.usefixtures("path")
def test_stock_points_and_void_flags(api: Api) -> None:
    device, till, member = setup_store(api)
    api.give_points(member["id"], 10)
    overdraft = till.sale(Line("STD", 1_000), member=member["member_no"], points_used=30)
    unknown = till.sale(Line("NOPE", 100))
    sold = till.sale(Line("PEN", 200, 11))  # 10 on the shelf
    answers = results(api, device, [overdraft, unknown, sold])
    assert [a["flags"] for a in answers] == [["points_overdraft"], ["unknown_sku:NOPE"], ["negative_stock"]]
    less = till.void(sold, total=100)
    assert results(api, device, [less])[0]["flags"] == ["void_total_differs"]
    assert stored(api, less["payload"]["void_id"]).total == -2_200  # the sale's figures are reversed
    earning = till.sale(Line("STD", 1_000), member=member["member_no"])
    assert results(api, device, [earning])[0]["flags"] == []
    before = balance(api, member["id"])
    other_points = till.void(earning, points_earned=500)
    answer = results(api, device, [other_points])[0]
    assert answer["flags"] == ["void_points_differ"], answer
    assert balance(api, member["id"]) == before - 10  # the 10 the sale earned are reversed, not 500
    earning = till.sale(Line("STD", 1_000), member=member["member_no"])
    assert results(api, device, [earning])[0]["flags"] == []
    keep_points = till.return_(earning, {"STD": 1}, points_taken_back=0)
    assert results(api, device, [keep_points])[0]["flags"] == ["points_taken_back_differ"]


@pytest.mark.usefixtures("path")
def test_every_flag_is_listed_for_hq_with_device_store_event_and_reason(api: Api) -> None:
    device, till, member = setup_store(api)
    sale = till.sale(Line("TEA", 138), member=member["member_no"], points_earned=1_000_000_000)
    results(api, device, [sale])
    rows = api.client.get("/v1/admin/operations/flagged-events", headers=api.admin).json()
    [row] = [r for r in rows if r["event_id"] == sale["id"]]
    assert row["store"] == "S001" and row["device_id"] and row["terminal_code"] == "01"
    assert row["kind"] == "sale.completed"
    assert row["flags"] == row["reasons"] == ["points_earned_differ"]


def test_a_driver_error_from_copy_falls_back_to_the_per_event_path(api: Api, monkeypatch: Any) -> None:
    """PostgreSQL's COPY raises psycopg errors, not SQLAlchemy's: they must fall back like any other."""
    from sync.server.syncfeed import bulk, rows

    with api.session() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("COPY is PostgreSQL's")

    class TooLong:
        def __getattr__(self, name: str) -> Any:
            return getattr(rows, name)

        @staticmethod
        def sale_row(*args: Any) -> dict[str, Any]:
            return {**rows.sale_row(*args), "receipt_no": "R" * 100}  # longer than the column: COPY fails

    monkeypatch.setattr(bulk, "rows", TooLong())
    device, till, _ = setup_store(api)
    sales = [till.sale(Line("TEA", 138)) for _ in range(3)]
    assert [a["status"] for a in results(api, device, sales)] == ["applied"] * 3
    assert stored(api, sales[0]["payload"]["sale_id"]).receipt_no == sales[0]["payload"]["receipt_no"]
    assert level(api, "TEA") == 7


def test_the_received_payload_is_kept_as_sent_and_its_stored_text_is_what_was_hashed(
    api: Api, path: str
) -> None:
    device, till, member = setup_store(api)
    sales = [till.sale(Line("TEA", 138), Line("STD", 1_000), member=member["member_no"]) for _ in range(2)]
    sales[1]["payload"]["lines"][0]["name"] = '特選 緑茶 🍵 \\ "quoted"'  # escapes and a surrogate pair
    assert [a["status"] for a in results(api, device, sales)] == ["applied", "applied"]
    with api.session() as session:
        for sale in sales:
            row = session.get(ReceivedEvent, sale["id"])
            assert row is not None and row.payload == sale["payload"]
            if session.get_bind().dialect.name != "postgresql":
                continue
            # json, not jsonb: no parse into a binary form on the way in (a third of the database's work
            # for a pushed sale), and the text stays as written, so a stored row can be checked against
            # its hash without writing it again.
            kind, text_kept = session.execute(
                text("SELECT pg_typeof(payload)::text, payload::text FROM received_events WHERE id = :id"),
                {"id": sale["id"]},
            ).one()
            assert kind == "json"
            assert json.loads(text_kept) == sale["payload"]
            canonical = json.dumps(sale["payload"], sort_keys=True, separators=(",", ":"))
            if path == "bulk":  # written once, for the hash and the column
                assert text_kept == canonical
            envelope = '{"kind":"sale.completed","payload":' + canonical + "}"
            assert row.payload_hash == hashlib.sha256(envelope.encode()).hexdigest()


@pytest.mark.usefixtures("path")
def test_unpaid_sales_and_other_stores_sales_are_refused(api: Api) -> None:
    device, till, _ = setup_store(api)
    unpaid = till.sale(Line("STD", 1_000), payments=[{"kind": "cash", "amount": 10}])
    refused_everywhere(api, device, unpaid, "payments do not add up")
    sale = till.sale(Line("TEA", 138))
    assert results(api, device, [sale])[0]["status"] == "applied"
    elsewhere = api.device("S002")
    other = Till(store="S002")
    for event in (other.void(sale), other.return_(sale, {"TEA": 1})):
        [answer] = results(api, elsewhere, [event])
        assert answer["status"] == "rejected" and "belongs to another store" in answer["detail"]
    assert level(api, "TEA") == 9


@pytest.mark.usefixtures("path")
def test_returns_and_voids_are_not_returned_or_voided(api: Api) -> None:
    device, till, _ = setup_store(api)
    sale = till.sale(Line("TEA", 138, 2))
    ret = till.return_(sale, {"TEA": 1})
    assert [a["status"] for a in results(api, device, [sale, ret])] == ["applied", "applied"]
    fields = {"sale_id": ret["payload"]["return_id"], "points_used": 0, "points_earned": 0}
    as_if_sale = {**ret, "payload": {**ret["payload"], **fields}}  # names the return as the original
    refused_everywhere(api, device, till.void(as_if_sale), "a return cannot be voided")
    refused_everywhere(api, device, till.return_(as_if_sale, {"TEA": 1}), "a return cannot be returned")
    assert level(api, "TEA") == 9


@pytest.mark.usefixtures("path")
def test_a_sale_its_points_pay_in_full_is_stored_with_no_payment_and_its_points_spent_once(api: Api) -> None:
    device, till, member = setup_store(api)
    api.give_points(member["id"], 500)
    sale = till.sale(Line("TEA", 138), Line("PEN", 200), member=member["member_no"], points_used=338)
    assert (sale["payload"]["total"], sale["payload"]["payments"]) == (0, [])
    [result] = results(api, device, [sale])  # was refused: payments needed at least one tender
    assert (result["status"], result["flags"]) == ("applied", [])
    row = stored(api, sale["payload"]["sale_id"])
    assert (row.total, row.points_used, row.points_earned) == (0, 338, 0)
    assert balance(api, member["id"]) == 500 - 338
    assert results(api, device, [sale])[0]["status"] == "duplicate"  # a resend spends nothing again
    assert balance(api, member["id"]) == 500 - 338
    assert (level(api, "TEA"), level(api, "PEN")) == (9, 9)
    tea = paid_back(till.return_(sale, {"TEA": 1}), 0)  # ¥0 refunded: the tea's part of the points only
    assert tea["payload"]["points_restored"] == 138
    pen = paid_back(till.return_(sale, {"PEN": 1}), 0)
    assert [(a["status"], a["flags"]) for a in results(api, device, [tea, pen])] == [("applied", [])] * 2
    assert balance(api, member["id"]) == 500


@pytest.mark.usefixtures("path")
def test_a_zero_due_claim_for_a_cart_the_server_prices_higher_is_flagged_like_any_wrong_total(
    api: Api,
) -> None:
    device, till, _ = setup_store(api)
    free = till.sale(Line("STD", 1_000), total=0, payments=[])
    [result] = results(api, device, [free])
    assert (result["status"], result["flags"]) == ("applied", ["total_differs"])
    assert stored(api, free["payload"]["sale_id"]).total == 1_000
    nothing_paid = till.sale(Line("STD", 1_000), payments=[])  # ¥1,000 due and no payment: not a sale
    [refused] = results(api, device, [nothing_paid])
    assert refused["status"] == "rejected" and "nothing tendered" in refused["detail"]
