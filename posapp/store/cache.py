"""Applying the server's change feed to the terminal's cache tables.

Every upsert is idempotent and ordered by the change's version: a row is written only if the
change is newer than what the row holds, so replaying a page (after a lost reply or a crash between
apply and commit) changes nothing. The caller commits a page together with its new cursor. During a
catalog download products go to the download's own tables instead (``posapp.store.catalog_load``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from posapp.store import catalog_load
from posapp.store.models import Clerk, Contact, Customer, HistoryCacheRow, Product, StockLevel, SyncState
from posapp.store.settings import save_settings
from sync.protocol.catalog import PRODUCT_COLUMNS, BadChange, ProductRow, StockRow, product_row, stock_row


@dataclass(frozen=True, slots=True)
class CacheChange:
    """One change-feed row: entity kind, key, payload, and its position in the feed (the version)."""

    version: int
    entity: str
    key: str
    payload: dict[str, Any]


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
    if not rows:
        return
    # One compiled statement run with executemany: compiling a multi-row VALUES statement per page
    # costs far more than SQLite takes to execute it.
    table = model.__table__
    statement = insert(table)
    upsert = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
        where=table.c.version < statement.excluded.version,
    )
    session.connection().execute(upsert, rows)


def _checked(reader: Callable[[Any, int], Any], change: CacheChange) -> Any:
    try:
        return reader(change.payload, change.version)
    except ValueError as error:
        raise BadChange(change.version, change.entity, change.key, str(error)) from error


def apply_changes(
    session: Session, changes: Iterable[CacheChange], *, store_code: str, loading: bool = False
) -> int:
    """Apply a page of changes to the cache; returns how many were for entities the terminal keeps.

    Catalog rows are checked against the feed's contract first (``BadChange`` refuses the page).
    While a catalog download is in progress (``loading``), products go to the download's tables.
    """
    products: dict[str, ProductRow] = {}
    stock: dict[tuple[str, str], StockRow] = {}
    applied = 0
    for change in changes:
        p = change.payload
        applied += 1
        if change.entity == "product":
            row = _checked(product_row, change)
            products[row[0]] = row
        elif change.entity == "stock":
            row = _checked(stock_row, change)
            stock[(row[0], row[1])] = row
        elif change.entity == "customer":
            _apply_customer(session, p, change.version)
        elif change.entity == "points_balance":
            _apply_balance(session, p)
        elif change.entity == "clerk":
            _apply_clerk(session, p, change.version)
        elif change.entity == "contact":
            _apply_contact(session, change)
        elif change.entity == "store" and p.get("code") == store_code:
            save_settings(
                session,
                store_name=p.get("name", ""),
                registration_number=p.get("registration_number") or "",
                timezone=p.get("timezone") or "Asia/Tokyo",
                **_receipt_texts(p),
            )
        else:
            applied -= 1
    if loading:
        catalog_load.add_products(session, list(products.values()))
    else:
        _upsert(session, Product, [dict(zip(PRODUCT_COLUMNS, row, strict=True)) for row in products.values()],
                ["sku"])  # fmt: skip
    now = datetime.now(UTC)
    _upsert(
        session,
        StockLevel,
        [
            {"location": loc, "sku": sku, "quantity": qty, "updated_at": at or now, "version": version}
            for loc, sku, qty, at, version in stock.values()
        ],
        ["location", "sku"],
    )
    return applied


def _receipt_texts(p: dict[str, Any]) -> dict[str, Any]:
    """The address and footer lines HQ set for the store (older servers send neither)."""
    texts: dict[str, Any] = {}
    if p.get("address"):
        texts["address"] = p["address"]
    footer = [line.strip() for line in str(p.get("receipt_footer") or "").splitlines() if line.strip()]
    if footer:
        texts["footer_messages"] = tuple(footer)
    return texts


def _apply_customer(session: Session, p: dict[str, Any], version: int) -> None:
    member_no = p["member_no"]
    row = session.scalar(select(Customer).where(Customer.member_no == member_no))
    if row is None:
        row = session.scalar(select(Customer).where(Customer.server_id == p.get("id")))
    if row is not None and row.version >= version:
        return
    if p.get("erased") or p.get("merged_into_id"):
        # The history kept for offline use is personal data: it goes with the member.
        session.execute(delete(HistoryCacheRow).where(HistoryCacheRow.member_no == member_no))
    if p.get("merged_into_id"):
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = Customer(member_no=member_no, name=p.get("name") or "")
        session.add(row)
    row.server_id = p.get("id")
    row.member_no = member_no
    row.name = p.get("name") or ""
    row.name_kana = p.get("name_kana") or ""
    row.phone = p.get("phone") or ""
    row.email = p.get("email") or ""
    # An erased member (deleted on request) loses what the feed's blanks would otherwise keep.
    row.note = "" if p.get("erased") else p.get("note") or row.note
    row.rank = p.get("rank") or row.rank
    row.version = version
    session.flush()


def _apply_contact(session: Session, change: CacheChange) -> None:
    """Keep the open contacts of this store's members; a resolved or erased one leaves the cache."""
    from sync.protocol.contacts import ContactStatus, ContactSummary

    p = change.payload
    row = session.scalar(select(Contact).where(Contact.server_id == p.get("id")))
    if row is None and p.get("channel") == "store":  # one taken here, coming back with its server id
        row = session.scalar(
            select(Contact).where(Contact.contact_id == p.get("contact_id"), Contact.server_id.is_(None))
        )
    if row is not None and row.version >= change.version:
        return
    if p.get("deleted"):
        if row is not None:
            session.delete(row)
        return
    summary = _checked(lambda payload, _version: ContactSummary.model_validate(payload), change)
    if summary.status is ContactStatus.RESOLVED:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = Contact(contact_id=summary.contact_id, body="")
        session.add(row)
    row.server_id = summary.id
    row.contact_id = summary.contact_id
    row.member_no = summary.member_no
    row.kind = summary.kind.value
    row.channel = summary.channel.value
    row.taken_by = summary.taken_by
    row.subject = summary.subject
    row.status = summary.status.value
    row.opened_at = summary.opened_at
    row.version = change.version
    session.flush()


def remember_customer(session: Session, profile: dict[str, Any]) -> None:
    """Keep a profile the server gave on a live look-up (``GET /v1/customers``). Version 0: any later
    feed row for the member replaces it, and a feed row already held is not overwritten."""
    _apply_customer(session, profile, 0)
    if profile.get("points_balance") is not None:
        _apply_balance(
            session, {**profile, "customer_id": profile.get("id"), "balance": profile["points_balance"]}
        )


def _apply_balance(session: Session, p: dict[str, Any]) -> None:
    row = session.scalar(select(Customer).where(Customer.server_id == p.get("customer_id")))
    if row is None and p.get("member_no"):
        row = session.scalar(select(Customer).where(Customer.member_no == p["member_no"]))
    if row is None:
        return
    row.points_balance = int(p["balance"])
    row.balance_as_of = datetime.now(UTC)


def _apply_clerk(session: Session, p: dict[str, Any], version: int) -> None:
    row = session.get(Clerk, p["code"])
    if row is not None and row.version >= version:
        return
    if row is None:
        row = Clerk(code=p["code"], name=p["name"], role=p["role"], pin_hash=p["pin_hash"])
        session.add(row)
    row.name = p["name"]
    row.role = p["role"]
    row.pin_hash = p["pin_hash"]
    row.active = bool(p.get("active", True))
    row.version = version


def cursor_state(session: Session) -> SyncState:
    """The single sync-state row, created on first use."""
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(id=1)
        session.add(state)
        session.flush()
    return state
