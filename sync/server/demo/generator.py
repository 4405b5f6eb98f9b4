"""Deterministic demo data: two stores and the online shop, 5,000 products, 500 members with history."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from posapp.domain.barcodes import ean_check_digit
from posapp.domain.cart import Cart, CartLine, LineMerge
from posapp.domain.points import PointsPolicy, points_earned
from posapp.domain.tax import TaxClass
from sync.server.auth.models import Channel
from sync.server.changes.service import record_change
from sync.server.channel.models import OnlineOrder
from sync.server.customers.models import Customer
from sync.server.demo.catalogue import BASE_ITEMS, BRANDS, FAMILY_NAMES, GIVEN_NAMES, SIZES
from sync.server.points.models import PointsAccount, PointsEntry
from sync.server.problems import Conflict
from sync.server.products.models import Product
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.security import hash_token, new_token
from sync.server.stock.models import StockLevel, StockMovement
from sync.server.stores import service as stores_service
from sync.server.stores.models import ONLINE_CODE, Store
from sync.server.stores.schemas import ClerkIn, StoreIn

STORES = [("S001", "渋谷店", "T7000012050002"), ("S002", "新宿店", "T1180301018771")]
CLERKS = [("1001", "レジ 太郎", "1234", "cashier"), ("9001", "店長 花子", "9999", "manager")]
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What was loaded."""

    stores: int
    products: int
    members: int
    store_sales: int
    online_orders: int
    points_entries: int


def load_demo_data(
    session: Session, *, seed: int = 42, products: int = 5000, members: int = 500
) -> DemoSummary:
    """Fill an empty database with demo data (the same data for the same seed); the caller commits."""
    if session.scalar(select(func.count()).select_from(Product)):
        raise Conflict("the database already has products; demo data goes into an empty database")
    rng = random.Random(seed)
    for code, name, number in STORES:
        stores_service.upsert_store(session, data=StoreIn(code=code, name=name, registration_number=number))
        for clerk_code, clerk_name, pin, role in CLERKS:
            stores_service.upsert_clerk(
                session,
                data=ClerkIn(store=code, code=clerk_code, name=clerk_name, pin=pin, role=role),  # type: ignore[arg-type]
            )
    locations = {store.code: store for store in session.scalars(select(Store))}
    catalogue = _insert_products(session, rng, products)
    _insert_stock(session, rng, catalogue, locations)
    counts = _insert_members(session, rng, members, catalogue, locations)
    return DemoSummary(len(STORES), len(catalogue), members, *counts)


def _insert_products(session: Session, rng: random.Random, count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    combos = [(item, brand, size) for brand in BRANDS for size in SIZES for item in BASE_ITEMS]
    for number, (item, brand, size) in enumerate(combos[:count], start=1):
        name, kana, category, reduced, base = item
        price = max(base * brand[2] * size[1] // 10_000, 5)
        price = price if price < 100 else price // 10 * 10 + 8  # shelf prices end in 8
        body = f"49{number + rng.randrange(0, 10) * 1_000_000:010d}"
        rows.append(
            {
                "sku": f"P{number:05d}",
                "jan": body + ean_check_digit(body),
                "name": " ".join(part for part in (brand[0] + name, size[0]) if part),
                "name_kana": " ".join(part for part in (brand[1] + kana, size[0]) if part),
                "price": price,
                "tax_class": "reduced" if reduced else "standard",
                "category": category,
                "active": True,
                "updated_at": now,
            }
        )
    session.execute(insert(Product), rows)
    ids = dict(session.execute(select(Product.sku, Product.id)).all())
    for row in rows:
        row["id"] = ids[row["sku"]]
        payload = {
            key: row[key]
            for key in ("sku", "jan", "name", "name_kana", "price", "tax_class", "category", "active")
        }
        record_change(session, entity="product", key=row["sku"], store_code=None, payload=payload)
    return rows


def _insert_stock(
    session: Session, rng: random.Random, catalogue: list[dict[str, Any]], locations: dict[str, Store]
) -> None:
    now = datetime.now(UTC)
    levels, movements = [], []
    for store in locations.values():
        for product in catalogue:
            quantity = rng.randrange(0, 60)
            levels.append(
                {
                    "location_id": store.id,
                    "product_id": product["id"],
                    "quantity": quantity,
                    "updated_at": now,
                }
            )
            movements.append(
                {
                    "location_id": store.id,
                    "product_id": product["id"],
                    "delta": quantity,
                    "quantity_after": quantity,
                    "reason": "initial count",
                    "source_id": "demo",
                    "negative": False,
                    "created_at": now,
                }
            )
            # Terminals cache stock from the feed, so the initial counts go on it like any later move.
            record_change(
                session,
                entity="stock",
                key=f"{store.code}:{product['sku']}",
                store_code=store.code,
                payload={"location": store.code, "sku": product["sku"], "quantity": quantity,
                         "updated_at": now.isoformat()},
            )  # fmt: skip
    session.execute(insert(StockLevel), levels)
    session.execute(insert(StockMovement), movements)


def _basket(
    rng: random.Random, catalogue: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int, int, list[dict[str, int]]]:
    cart = Cart()
    items = []
    for product in rng.sample(catalogue, rng.randrange(1, 6)):
        qty = rng.randrange(1, 4)
        cart = cart.add(
            CartLine(product["sku"], product["name"], product["price"], qty, TaxClass(product["tax_class"])),
            merge=LineMerge.NEW_LINE,
        )
        items.append(
            {"sku": product["sku"], "name": product["name"], "qty": qty, "amount": qty * product["price"]}
        )
    totals = cart.totals()
    rates = [{"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in totals.by_rate]
    return items, totals.amount_due, points_earned(totals, PointsPolicy()), rates


Event = tuple[datetime, str, str, int, str | None]
"""A member's points event: when, kind, source, points, location code."""


@dataclass
class _MemberRows:
    """The rows of the demo members and their history, inserted in bulk at the end."""

    rng: random.Random
    catalogue: list[dict[str, Any]]
    locations: dict[str, Store]
    channel_id: int
    now: datetime
    customers: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)
    sale_rates: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def store_ids(self) -> list[int]:
        return [self.locations[code].id for code, _name, _number in STORES]

    def add_member(self, customer_id: int) -> None:
        """One member with a few store sales and online orders, and the points they earned."""
        family, given = self.rng.choice(FAMILY_NAMES), self.rng.choice(GIVEN_NAMES)
        self.customers.append(
            {
                "id": customer_id,
                "member_no": f"{customer_id:012d}",
                "name": family[0] + given[0],
                "name_kana": family[1] + given[1],
                "email": f"member{customer_id}@example.jp",
                "phone": f"090{customer_id:08d}",
                "home_store_id": self.rng.choice(self.store_ids),
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        events = [*self._add_sales(customer_id), *self._add_orders(customer_id)]
        balance = self._add_points(customer_id, events)
        self.accounts.append({"customer_id": customer_id, "balance": balance, "updated_at": self.now})

    def _add_sales(self, customer_id: int) -> list[Event]:
        events: list[Event] = []
        for number in range(self.rng.randrange(0, 6)):
            items, total, earned, rates = _basket(self.rng, self.catalogue)
            sold_at = EPOCH + timedelta(minutes=self.rng.randrange(0, 500_000))
            store_id = self.rng.choice(self.store_ids)
            sale_id = _demo_uuid(f"sale:{customer_id}:{number}")
            self.sales.append(
                {
                    "id": sale_id,
                    "store_id": store_id,
                    "kind": "sale",
                    "receipt_no": f"{store_id:03d}-01-{len(self.sales) + 1:06d}",
                    "customer_id": customer_id,
                    "sold_at": sold_at,
                    "total": total,
                    "items": items,
                    "points_used": 0,
                    "points_earned": earned,
                    "created_at": self.now,
                }
            )
            self.sale_rates.extend({"sale_id": sale_id, **rate} for rate in rates)
            code = next(s.code for s in self.locations.values() if s.id == store_id)
            events.append((sold_at, "earn", f"sale:{sale_id}", earned, code))
        return events

    def _add_orders(self, customer_id: int) -> list[Event]:
        events: list[Event] = []
        for number in range(self.rng.randrange(0, 3)):
            items, total, earned, _rates = _basket(self.rng, self.catalogue)
            ordered_at = EPOCH + timedelta(minutes=self.rng.randrange(0, 500_000))
            order_id = f"DEMO-{customer_id}-{number}"
            self.orders.append(
                {
                    "order_id": order_id,
                    "channel_id": self.channel_id,
                    "customer_id": customer_id,
                    "location_id": self.locations[ONLINE_CODE].id,
                    "fulfilment_type": "ship",
                    "ordered_at": ordered_at,
                    "status": "placed",
                    "total": total,
                    "points_used": 0,
                    "points_earned": earned,
                    "items": items,
                    "request_hash": "demo",
                    "response": {},
                    "created_at": self.now,
                }
            )
            events.append((ordered_at, "earn", f"order:{order_id}", earned, ONLINE_CODE))
        return events

    def _add_points(self, customer_id: int, events: list[Event]) -> int:
        """The ledger of ``events`` in time order; returns the balance."""
        balance = 0
        for when, kind, source, points, location in sorted(events):
            if points == 0:
                continue
            balance += points
            self.entries.append(
                {
                    "customer_id": customer_id,
                    "kind": kind,
                    "points": points,
                    "balance_after": balance,
                    "idempotency_key": f"earn:{source}",
                    "source": source,
                    "reason": "demo history",
                    "location": location,
                    "flagged": False,
                    "created_at": when,
                }
            )
        return balance


def _insert_members(
    session: Session,
    rng: random.Random,
    count: int,
    catalogue: list[dict[str, Any]],
    locations: dict[str, Store],
) -> tuple[int, int, int]:
    rows = _MemberRows(rng, catalogue, locations, _demo_channel(session), datetime.now(UTC))
    start = session.scalar(select(func.coalesce(func.max(Customer.id), 0))) or 0
    for offset in range(1, count + 1):
        rows.add_member(start + offset)
    session.execute(insert(Customer), rows.customers)
    session.execute(insert(PointsAccount), rows.accounts)
    tables = (
        (StoreSale, rows.sales),
        (StoreSaleRate, rows.sale_rates),
        (OnlineOrder, rows.orders),
        (PointsEntry, rows.entries),
    )
    for table, table_rows in tables:
        if table_rows:
            session.execute(insert(table), table_rows)
    _publish_members(session, rows)
    if session.get_bind().dialect.name == "postgresql":
        # Ids were given explicitly; move the sequence past them so later registrations do not collide.
        from sqlalchemy import text

        session.execute(
            text("SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))")
        )
    return len(rows.sales), len(rows.orders), len(rows.entries)


def _publish_members(session: Session, rows: _MemberRows) -> None:
    """The members and their balances on the change feed, as a registration puts them."""
    for customer, account in zip(rows.customers, rows.accounts, strict=True):
        payload = {key: customer[key] for key in ("id", "member_no", "name", "name_kana", "email", "phone")}
        record_change(session, entity="customer", key=str(customer["id"]), store_code=None, payload=payload)
        record_change(
            session,
            entity="points_balance",
            key=str(customer["id"]),
            store_code=None,
            payload={
                "customer_id": customer["id"],
                "member_no": customer["member_no"],
                "balance": account["balance"],
            },
        )


def _demo_channel(session: Session) -> int:
    channel = Channel(name="demo webshop", key_hash=hash_token(new_token("chn")))
    session.add(channel)
    session.flush()
    return channel.id


def _demo_uuid(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-7{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
