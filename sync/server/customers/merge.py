"""Merging a duplicate customer into a survivor: history and points follow the survivor."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync.server.channel.models import OnlineOrder
from sync.server.customers.models import Customer, CustomerNote
from sync.server.customers.service import get_customer, publish_customer
from sync.server.points import service as points_service
from sync.server.points.models import PointsAccount, PointsEntry, PointsHold
from sync.server.problems import Conflict
from sync.server.sales.models import StoreSale


def merge_customers(session: Session, *, survivor_id: int, duplicate_id: int) -> tuple[Customer, int]:
    """Move everything of ``duplicate_id`` to ``survivor_id``; returns the survivor and ledger entries moved."""
    if survivor_id == duplicate_id:
        raise Conflict("a customer cannot be merged into itself")
    survivor = get_customer(session, survivor_id, follow_merge=False)
    duplicate = get_customer(session, duplicate_id, follow_merge=False)
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise Conflict("one of the customers was already merged")
    for customer_id in sorted((survivor_id, duplicate_id)):
        points_service.ensure_account(session, customer_id=customer_id)
    # Lock both balance rows in id order, so two merges (or a merge and a spend) cannot deadlock.
    accounts = {
        account.customer_id: account
        for account in session.scalars(
            select(PointsAccount)
            .where(PointsAccount.customer_id.in_(sorted((survivor_id, duplicate_id))))
            .order_by(PointsAccount.customer_id)
            .with_for_update()
        )
    }
    moved = 0
    for model in (PointsEntry, StoreSale, OnlineOrder, CustomerNote, PointsHold):
        result = session.execute(
            update(model)
            .where(model.customer_id == duplicate_id)
            .values(customer_id=survivor_id)
            .execution_options(synchronize_session=False)
        )
        if model is PointsEntry:
            moved = result.rowcount or 0  # type: ignore[attr-defined]
    survivor_account, duplicate_account = accounts[survivor_id], accounts[duplicate_id]
    survivor_account.balance += duplicate_account.balance
    duplicate_account.balance = 0
    survivor.email = survivor.email or duplicate.email
    survivor.phone = survivor.phone or duplicate.phone
    survivor.name_kana = survivor.name_kana or duplicate.name_kana
    duplicate.email = None
    duplicate.phone = None
    duplicate.merged_into_id = survivor_id
    session.flush()
    for customer in (survivor, duplicate):
        publish_customer(session, customer)
    points_service.publish_balance(session, customer_id=survivor_id, balance=survivor_account.balance)
    points_service.publish_balance(session, customer_id=duplicate_id, balance=0)
    return survivor, moved
