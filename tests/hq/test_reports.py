"""The sales and per-rate tax report: the JSON endpoint, the console page and the stored sales agree."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sync.server.hq.web import chain_today
from sync.server.reports.summary import summary
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stores.models import Store
from tests.hq.conftest import Browser
from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till, results

TOKYO = ZoneInfo("Asia/Tokyo")


def _sell_in_two_stores(api: Api) -> None:
    api.products(product("ONIGIRI", 138, "reduced"), product("BATTERY", 657), product("TEA", 150, "reduced"))
    s1, s2 = Till("S001"), Till("S002")
    first = s1.sale(Line("ONIGIRI", 138, 3, "reduced"), Line("BATTERY", 657))
    second = s1.sale(Line("TEA", 150, 2, "reduced"), Line("BATTERY", 657, 2), basket_discount=100)
    voided = s1.sale(Line("BATTERY", 657))
    events_1 = [first, second, voided, s1.return_(first, {"ONIGIRI": 1}), s1.void(voided)]
    events_2 = [
        s2.sale(Line("ONIGIRI", 138, 7, "reduced")),
        s2.sale(Line("BATTERY", 657, 3), Line("TEA", 150, 1, "reduced")),
    ]
    for till, events in ((s1, events_1), (s2, events_2)):
        answer = results(api, api.device(till.store), events)
        assert {r["status"] for r in answer} == {"applied"}, answer


def _stored(api: Api) -> dict[str, dict[str, int]]:
    """Per store, straight from the rows: net total, receipts, and taxable/tax per rate."""
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with api.session() as session:
        codes = dict(session.execute(select(Store.id, Store.code)).all())
        for sale in session.scalars(select(StoreSale)):
            cell = figures[codes[sale.store_id]]
            cell["net"] += sale.total
            cell["receipts"] += {"sale": 1, "void": -1}.get(sale.kind, 0)
        for rate, store_id, taxable, tax in session.execute(
            select(StoreSaleRate.rate, StoreSale.store_id, StoreSaleRate.taxable, StoreSaleRate.tax).join(
                StoreSale, StoreSale.id == StoreSaleRate.sale_id
            )
        ):
            figures[codes[store_id]][f"taxable_{rate}"] += taxable
            figures[codes[store_id]][f"tax_{rate}"] += tax
    return figures


def _yen(text: str) -> int:
    return int(text.replace("¥", "").replace(",", "").replace("−", "-"))


def test_report_endpoint_page_and_stored_sales_agree(api: Api, admin: Browser) -> None:
    _sell_in_two_stores(api)
    today = chain_today().isoformat()
    stored = _stored(api)
    assert stored["S001"]["taxable_8"] > 0 and stored["S001"]["taxable_10"] > 0, {
        k: dict(v) for k, v in stored.items()
    }

    report = api.client.get(
        "/v1/admin/reports/summary", params={"from": today, "to": today}, headers=api.admin
    )
    assert report.status_code == 200, report.text
    rows = {row["store"]: row for row in report.json()["rows"] if row["channel"] == "store"}
    page = admin.client.get("/hq/reports", params={"from": today, "to": today, "by": "store"}).text
    for store in ("S001", "S002"):
        row = rows[store]
        rates = {r["rate"]: r for r in row["rates"]}
        assert row["net"] == stored[store]["net"] and row["receipts"] == stored[store]["receipts"]
        for rate in (10, 8):
            assert rates[rate]["taxable"] == stored[store][f"taxable_{rate}"]
            assert rates[rate]["tax"] == stored[store][f"tax_{rate}"]
        html = re.search(
            rf'<tr data-period="{today}" data-store="{store}" data-channel="store">(.*?)</tr>', page, re.S
        )
        assert html, page
        cells = dict(re.findall(r'data-col="(\w+)">([^<]+)<', html.group(1)))
        assert {name: _yen(value) for name, value in cells.items()} == {
            f"{kind}_{rate}": stored[store][f"{kind}_{rate}"]
            for kind in ("taxable", "tax")
            for rate in (10, 8)
        }
    assert rows["S001"]["returns"] < 0 and rows["S001"]["voids"] == -657

    chain = api.client.get("/v1/admin/reports/summary", params={"from": today, "to": today, "by": "chain", "group": "month"},
                           headers=api.admin).json()  # fmt: skip
    (month,) = [row for row in chain["rows"] if row["channel"] == "store"]
    assert (
        month["period"] == today[:8] + "01" and month["net"] == stored["S001"]["net"] + stored["S002"]["net"]
    )

    exported = admin.client.get("/hq/reports.csv", params={"from": today, "to": today})
    assert exported.content.startswith("\ufeff".encode()) and b"\r\n" in exported.content
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {row["store"]: int(row["tax_8"]) for row in table if row["channel"] == "store"} == {
        store: stored[store]["tax_8"] for store in ("S001", "S002")
    }


def test_days_are_the_store_s_calendar_days_in_sql(api: Api) -> None:
    api.store("S001")
    with api.session() as session:
        store_id = session.scalar(select(Store.id).where(Store.code == "S001"))
        for sale_id, local, total in (
            ("a", (22, 23, 30), 1000),
            ("b", (23, 0, 10), 500),
            ("c", (29, 12, 0), 70),
        ):
            day, hour, minute = local
            at = datetime(2025, 11, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)
            session.add(StoreSale(id=sale_id, store_id=store_id, kind="sale", receipt_no=sale_id, sold_at=at,
                                  total=total, items=[]))  # fmt: skip
        session.commit()
        days = summary(session, first=date(2025, 11, 22), last=date(2025, 11, 30))
        weeks = summary(session, first=date(2025, 11, 22), last=date(2025, 11, 30), grouping="week")
    assert [(row.period, row.net) for row in days.rows] == [
        (date(2025, 11, 22), 1000),
        (date(2025, 11, 23), 500),
        (date(2025, 11, 29), 70),
    ]
    # 22 (Sat) and 23 (Sun) are in the week of Monday the 17th; the 29th in the week of the 24th.
    assert [(row.period, row.net) for row in weeks.rows] == [
        (date(2025, 11, 17), 1500),
        (date(2025, 11, 24), 70),
    ]


def test_the_day_tables_change_nothing_in_the_report_even_for_a_late_sale(api: Api) -> None:
    from datetime import timedelta

    from sync.server.reports import days
    from sync.server.reports.models import SalesDay

    _sell_in_two_stores(api)
    today = chain_today()
    with api.session() as session:
        raw = summary(session, first=today - timedelta(days=40), last=today)
        # The mark passes every sale so far (a real refresh puts it MARGIN behind the clock).
        assert days.refresh(session, now=datetime.now(UTC) + days.MARGIN) == 2  # S001 and S002 today
        session.commit()
        assert session.scalar(select(SalesDay.receipts).where(SalesDay.day == today)) is not None
        assert summary(session, first=today - timedelta(days=40), last=today) == raw
    late = Till("S001", terminal="02")
    old_sale = late.sale(Line("BATTERY", 657, 2))
    old_sale["payload"]["sold_at"] = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    assert results(api, api.device("S001"), [old_sale], terminal="02")[0]["status"] == "applied"
    with api.session() as session:
        with_late = summary(session, first=today - timedelta(days=40), last=today)
        assert with_late != raw and sum(r.net for r in with_late.rows) == sum(r.net for r in raw.rows) + 1314
        assert days.refresh(session, now=datetime.now(UTC) + days.MARGIN) == 1  # the late sale's day only
        session.commit()
        assert summary(session, first=today - timedelta(days=40), last=today) == with_late
