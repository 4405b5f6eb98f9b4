"""Head-office reports: per store per day and for the chain, JSON and CSV, admins only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sync.server.channel.models import OnlineOrder
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store
from tests.server.conftest import Api, product

RANGE = {"from": "2025-11-22", "to": "2025-11-23"}
TOKYO = ZoneInfo("Asia/Tokyo")


def jst(day: int, hour: int, minute: int) -> datetime:
    """2025-11-``day`` ``hour:minute`` in Tokyo, as UTC."""
    return datetime(2025, 11, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def _store_sale(api: Api, store: str, sale_id: str, kind: str, at: datetime, total: int,
                earned: int = 0, used: int = 0) -> None:  # fmt: skip
    with api.session() as session:
        store_id = session.scalar(select(Store.id).where(Store.code == store))
        assert store_id is not None
        session.add(
            StoreSale(id=sale_id, store_id=store_id, kind=kind, receipt_no=f"{store}-01-{sale_id}", sold_at=at,
                      total=total, items=[], points_earned=earned, points_used=used)
        )  # fmt: skip
        session.commit()


def _order(api: Api, order_id: str, at: str, fulfilment: dict[str, Any], points_used: int = 0) -> None:
    body = {
        "order_id": order_id,
        "customer": {"email": "hanako@example.jp", "name": "鈴木花子"},
        "ordered_at": at,
        "lines": [{"sku": "A1", "qty": 1, "unit_price": 1000}],
        "points_used": points_used,
        "fulfilment": fulfilment,
    }
    answer = api.client.post("/v1/channel/orders", json=body, headers=api.channel)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def chain(api: Api) -> Api:
    """Two stores' receipts around midnight in Tokyo, online orders shipped, picked up and cancelled."""
    api.store("S001")
    api.store("S002", "新宿店")
    api.products(product("A1", 1000))
    _store_sale(api, "S001", "s1", "sale", jst(22, 10, 0), 2051, earned=20)
    _store_sale(api, "S001", "s2", "sale", jst(22, 23, 30), 1000, earned=10, used=100)
    _store_sale(api, "S001", "s3", "void", jst(22, 23, 40), -1000, earned=-10, used=-100)
    _store_sale(api, "S002", "s4", "sale", jst(23, 0, 10), 500, earned=5)  # 22nd in UTC, 23rd in Tokyo
    _store_sale(api, "S002", "s5", "return", jst(23, 11, 0), -300, earned=-3)
    _store_sale(api, "S002", "s6", "sale", jst(24, 9, 0), 999)  # outside the range
    _order(api, "W-1", "2025-11-22T05:05:00Z", {"type": "ship"})
    with api.session() as session:
        owner = session.scalar(select(OnlineOrder.customer_id))
    assert owner is not None
    api.give_points(owner, 500)
    _order(
        api, "W-2", "2025-11-22T16:00:00Z", {"type": "pickup", "store": "S001"}, points_used=200
    )  # 23rd JST
    _order(api, "W-3", "2025-11-22T06:00:00Z", {"type": "ship"})
    answer = api.client.post("/v1/channel/orders/W-3/cancel", headers=api.channel)
    assert answer.status_code == 200, answer.text
    return api


def test_sales_per_store_per_day(chain: Api) -> None:
    answer = chain.client.get("/v1/admin/reports/sales", params=RANGE, headers=chain.admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["first"], body["last"]) == ("2025-11-22", "2025-11-23")
    rows = [
        (r["day"], r["store"], r["store_count"], r["store_total"], r["online_count"], r["online_total"],
         r["points_issued"], r["points_used"])
        for r in body["rows"]
    ]  # fmt: skip
    # W-1 (¥1,000) earns 10 points; W-2 pays ¥800 after 200 points and earns 8.
    assert rows == [
        ("2025-11-22", "ONLINE", 0, 0, 1, 1000, 10, 0),
        ("2025-11-22", "S001", 2 - 1, 2051 + 1000 - 1000, 0, 0, 20, 0),
        ("2025-11-23", "S001", 0, 0, 1, 800, 8, 200),
        ("2025-11-23", "S002", 1, 500 - 300, 0, 0, 5 - 3, 0),
    ]
    one = chain.client.get("/v1/admin/reports/sales", params={**RANGE, "store": "S002"}, headers=chain.admin)
    assert [r["store"] for r in one.json()["rows"]] == ["S002"]
    unknown = chain.client.get(
        "/v1/admin/reports/sales", params={**RANGE, "store": "S999"}, headers=chain.admin
    )
    assert unknown.status_code == 404


def test_chain_totals_per_day_and_channel_with_the_ledger(chain: Api) -> None:
    answer = chain.client.get("/v1/admin/reports/chain", params=RANGE, headers=chain.admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["timezone"] == "Asia/Tokyo"
    assert [(r["day"], r["channel"], r["count"], r["total"], r["points_issued"], r["points_used"])
            for r in body["rows"]] == [
        ("2025-11-22", "online", 1, 1000, 10, 0),
        ("2025-11-22", "store", 1, 2051, 20, 0),
        ("2025-11-23", "online", 1, 800, 8, 200),
        ("2025-11-23", "store", 1, 200, 2, 0),
    ]  # fmt: skip
    # The ledger is written when the server handles things (today), not on the orders' dates.
    assert all(row["day"] not in ("2025-11-22", "2025-11-23") for row in body["ledger"])
    today = datetime.now(UTC).date().isoformat()
    ledger = chain.client.get(
        "/v1/admin/reports/chain", params={"from": today, "to": today, "timezone": "UTC"}, headers=chain.admin
    ).json()["ledger"]
    # Earned 10 + 8 + 10 (W-3, reversed on cancel); used 200; net also has the 500 given and the reversal.
    assert ledger == [{"day": today, "issued": 28, "used": 200, "net": 28 - 200 + 500 - 10}]


def test_csv_opens_in_japanese_excel(chain: Api) -> None:
    answer = chain.client.get(
        "/v1/admin/reports/sales", params={**RANGE, "format": "csv"}, headers=chain.admin
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="sales-2025-11-22-2025-11-23.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode())
    text = answer.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["day", "store", "store_count", "store_total", "online_count", "online_total",
                       "points_issued", "points_used"]  # fmt: skip
    assert rows[1] == ["2025-11-22", "ONLINE", "0", "0", "1", "1000", "10", "0"]
    assert len(rows) == 5
    chain_csv = chain.client.get(
        "/v1/admin/reports/chain", params={**RANGE, "format": "csv"}, headers=chain.admin
    )
    lines = chain_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "day,channel,count,total,points_issued,points_used" and len(lines) == 5


def test_an_empty_range_has_a_header_only(api: Api) -> None:
    answer = api.client.get("/v1/admin/reports/chain", params={**RANGE, "format": "csv"}, headers=api.admin)
    assert answer.content.decode("utf-8-sig") == "day,channel,count,total,points_issued,points_used\r\n"


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-11-23", "to": "2025-11-22"},
        {"from": "2024-01-01", "to": "2025-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "2025-11-22"},
        {"from": "2025-11-22", "to": "2025-11-22", "format": "xlsx"},
        {"from": "2025-11-22", "to": "2025-11-22", "timezone": "Mars/Olympus"},
    ],
)
def test_bad_ranges_are_refused(api: Api, params: dict[str, str]) -> None:
    answer = api.client.get("/v1/admin/reports/chain", params=params, headers=api.admin)
    assert answer.status_code == 422, answer.text


def test_only_head_office_may_read_reports(api: Api) -> None:
    for path in ("/v1/admin/reports/sales", "/v1/admin/reports/chain"):
        assert api.client.get(path, params=RANGE, headers=api.device()).status_code == 403
        assert api.client.get(path, params=RANGE, headers=api.channel).status_code == 403
        assert api.client.get(path, params=RANGE).status_code == 401
