"""One ingest, two speeds: the bulk path and the per-event path store exactly the same things.

Hypothesis writes random pushes (members, points, sales with and without members, points spent
beyond the balance, lying claims, unknown SKUs, negative stock, returns, over-returns, voids, double
voids, stock adjustments) and each is pushed through the real endpoint twice, on a fresh database each
time: once as it comes (runs of plain sales take the bulk path) and once with the bulk path switched
off. Every stored row, flag, ledger entry, stock movement and push result must be the same, and the
change feed must end in the same state (the bulk path publishes one stock and balance row per
product and customer per push, the per-event path one per movement: a terminal applies the last).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.server.app import create_app
from sync.server.auth import service as auth_service
from sync.server.changes.models import ChangeLog
from sync.server.config import Settings
from sync.server.customers.models import Customer
from sync.server.db.session import make_engine
from sync.server.points.models import PointsAccount, PointsEntry
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stock.models import StockLevel, StockMovement
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent
from tests.server.conftest import Api, product, truncate_all
from tests.server.terminal_events import Line, Till, careful_only, results

PRODUCTS = [
    ("TEA", 138, "reduced"),
    ("STD", 1_000, "standard"),
    ("PEN", 200, "standard"),
    ("BEN", 498, "reduced"),
]
MEMBERS = ["M000000001", "M000000002"]


@dataclass(frozen=True)
class SaleOp:
    lines: tuple[tuple[int, int, int], ...]  # product index, quantity, line discount
    member: int | None
    points_used: int
    lie: str  # "", "earned", "total", "zero", "line", "tax", "unknown"


@dataclass(frozen=True)
class ReturnOp:
    sale: int  # index among the sales so far
    quantity: int
    greedy: bool  # claims a billion points restored


@dataclass(frozen=True)
class VoidOp:
    sale: int
    greedy: bool  # claims ¥5,000,000


@dataclass(frozen=True)
class AdjustOp:
    product: int
    delta: int


sale_ops = st.builds(
    SaleOp,
    lines=st.lists(
        st.tuples(st.integers(0, len(PRODUCTS) - 1), st.integers(1, 3), st.sampled_from([0, 0, 0, 10, 150])),
        min_size=1,
        max_size=3,
    ).map(tuple),
    member=st.sampled_from([None, 0, 1]),
    points_used=st.sampled_from([0, 0, 0, 5, 400]),
    lie=st.sampled_from(["", "", "", "earned", "total", "zero", "line", "tax", "unknown"]),
)
ops = st.one_of(
    sale_ops,
    sale_ops,
    sale_ops,
    st.builds(ReturnOp, sale=st.integers(0, 20), quantity=st.integers(1, 3), greedy=st.booleans()),
    st.builds(VoidOp, sale=st.integers(0, 20), greedy=st.booleans()),
    st.builds(AdjustOp, product=st.integers(0, len(PRODUCTS) - 1), delta=st.integers(-2, 3)),
)
scripts = st.tuples(
    st.lists(st.integers(0, 4), min_size=len(PRODUCTS), max_size=len(PRODUCTS)),  # stock on the shelf
    st.lists(st.sampled_from([0, 10, 300]), min_size=2, max_size=2),  # members' points
    st.lists(st.lists(ops, min_size=1, max_size=8), min_size=1, max_size=3),  # pushes
)


def tell_lie(payload: dict[str, Any], lie: str) -> None:
    """Make a sale's payload claim what the terminal should not ("": leave it honest)."""
    if lie == "earned":
        payload["points_earned"] = 1_000_000_000
    elif lie in ("total", "zero"):  # "zero": ¥0 due and no payment claimed for whatever the cart costs
        payload["total"] = 0 if lie == "zero" else max(payload["total"] - 100, 0)
        payload["payments"] = [{"kind": "cash", "amount": payload["total"]}] if payload["total"] else []
    elif lie == "line":
        payload["lines"][0]["amount"] += 50
    elif lie == "tax":
        payload["by_rate"][0]["tax"] += 1
    elif lie == "unknown":
        payload["lines"][0]["sku"] = "UNKNOWN"


def events_of(pushes: list[list[Any]]) -> list[list[dict[str, Any]]]:
    """The pushes as a terminal would send them (built once, sent to both databases)."""
    till, sales, batches = Till(), [], []
    for ops_ in pushes:
        batch = []
        for op in ops_:
            if isinstance(op, SaleOp):
                lines = [Line(PRODUCTS[p][0], PRODUCTS[p][1], q, PRODUCTS[p][2], discount=min(d, PRODUCTS[p][1] * q))
                         for p, q, d in op.lines]  # fmt: skip
                member = MEMBERS[op.member] if op.member is not None else None
                due = sum(line.price * line.quantity - line.discount for line in lines)
                event = till.sale(
                    *lines, member=member, points_used=min(op.points_used, due) if member else 0
                )
                tell_lie(event["payload"], op.lie)
                sales.append(event)
                batch.append(event)
            elif isinstance(op, ReturnOp) and sales:
                sale = sales[op.sale % len(sales)]
                sku = sale["payload"]["lines"][0]["sku"]
                claims = {"points_restored": 1_000_000_000} if op.greedy else {}
                batch.append(till.return_(sale, {sku: op.quantity}, **claims))
            elif isinstance(op, VoidOp) and sales:
                sale = sales[op.sale % len(sales)]
                batch.append(till.void(sale, **({"total": 5_000_000} if op.greedy else {})))
            elif isinstance(op, AdjustOp):
                payload = {"adjustment_id": f"adj-{till.seq}", "sku": PRODUCTS[op.product][0], "delta": op.delta or 1,
                           "reason": "counted", "clerk_code": "1001", "at": "2026-12-02T10:00:00+00:00"}  # fmt: skip
                batch.append(till.envelope("stock.adjusted", payload))
        if batch:
            batches.append(batch)
    return batches


@contextmanager
def fresh_api(backend: str, folder: Path, template: Path | None, pg_url: str | None) -> Iterator[Api]:
    if backend == "sqlite":
        assert template is not None
        target = folder / "server.sqlite3"
        target.unlink(missing_ok=True)
        shutil.copy(template, target)
        url = f"sqlite:///{target}"
    else:
        assert pg_url is not None
        url = pg_url
        engine = make_engine(url)
        truncate_all(engine)
        engine.dispose()
    app = create_app(Settings(database_url=url, data_dir=folder, migrate_on_start=False))
    with app.state.session_factory() as session:
        token = auth_service.create_admin_token(session, label="tests")
        session.commit()
    with TestClient(app) as client:
        yield Api(client=client, admin_token=token)


SETUP = Till(terminal="02")
REGISTRATIONS = [
    SETUP.envelope("member.registered", {"member_no": number, "name": "山田太郎", "registered_at": "2026-12-01T10:00:00+00:00"})
    for number in MEMBERS
]  # fmt: skip


def run(api: Api, shelf: list[int], points: list[int], batches: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Set the store up, push ``batches``, and read back everything ingest writes."""
    api.products(*(product(sku, price, tax_class) for sku, price, tax_class in PRODUCTS))
    device = api.device("S001")
    for (sku, _, _), quantity in zip(PRODUCTS, shelf, strict=True):
        if quantity:
            body = {"location": "S001", "sku": sku, "delta": quantity, "reason": "received"}
            assert api.client.post("/v1/admin/stock", json=body, headers=api.admin).status_code == 201
    assert [r["status"] for r in results(api, device, REGISTRATIONS, terminal="02")] == ["applied"] * 2
    with api.session() as session:
        ids = [session.scalar(select(Customer.id).where(Customer.member_no == n)) for n in MEMBERS]
    for customer_id, given_points in zip(ids, points, strict=True):
        if given_points:
            assert customer_id is not None
            api.give_points(customer_id, given_points)
    answers = [results(api, device, batch) for batch in batches]
    return {"results": answers, **snapshot(api)}


def rows_of(api: Api, model: Any, drop: set[str], order: Any) -> list[dict[str, Any]]:
    with api.session() as session:
        return [
            {c.name: getattr(row, c.key) for c in model.__table__.columns if c.name not in drop}
            for row in session.scalars(select(model).order_by(*order))
        ]


def snapshot(api: Api) -> dict[str, Any]:
    """Everything the push wrote, without the clocks, the device's random id and surrogate row ids."""
    feed: dict[tuple[str, str], dict[str, Any]] = {}
    for change in rows_of(api, ChangeLog, {"id", "created_at"}, [ChangeLog.id]):
        payload = {k: v for k, v in change["payload"].items() if k != "updated_at"}
        feed[(change["entity"], change["key"])] = payload
    return {
        "store_sales": rows_of(api, StoreSale, {"created_at"}, [StoreSale.sold_at, StoreSale.id]),
        "store_sale_rates": rows_of(api, StoreSaleRate, set(), [StoreSaleRate.sale_id, StoreSaleRate.rate]),
        "received_events": rows_of(
            api, ReceivedEvent, {"received_at", "device_id"}, [ReceivedEvent.seq, ReceivedEvent.terminal_code]
        ),
        "dead_letters": rows_of(api, DeadLetter, {"id", "received_at", "device_id"}, [DeadLetter.id]),
        "points_entries": rows_of(api, PointsEntry, {"id", "created_at"}, [PointsEntry.id]),
        "points_accounts": rows_of(api, PointsAccount, {"updated_at"}, [PointsAccount.customer_id]),
        "stock_levels": rows_of(
            api, StockLevel, {"id", "updated_at"}, [StockLevel.location_id, StockLevel.product_id]
        ),
        "stock_movements": rows_of(api, StockMovement, {"id", "created_at"}, [StockMovement.id]),
        "change_feed": sorted(feed.items()),
    }


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def backend(request: pytest.FixtureRequest) -> tuple[str, Path | None, str | None]:
    if request.param == "sqlite":
        return "sqlite", request.getfixturevalue("sqlite_template"), None
    return "pg", None, request.getfixturevalue("pg_migrated")


# Few examples (each builds two databases) and no shrinking (minutes per failure): the failing script
# is printed as drawn, which is enough to read.
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(script=scripts)
def test_bulk_and_per_event_paths_store_the_same_things(
    script: tuple[list[int], list[int], list[list[Any]]],
    backend: tuple[str, Path | None, str | None],
    tmp_path: Path,
) -> None:
    kind, template, pg_url = backend
    shelf, points, pushes = script
    batches = events_of(pushes)
    with fresh_api(kind, tmp_path, template, pg_url) as api:
        fast = run(api, shelf, points, batches)
    with pytest.MonkeyPatch.context() as patch:
        careful_only(patch)
        with fresh_api(kind, tmp_path, template, pg_url) as api:
            careful = run(api, shelf, points, batches)
    for key in fast:
        assert fast[key] == careful[key], key
