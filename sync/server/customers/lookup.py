"""The counter's customer search in one statement, for the event loop (PostgreSQL).

A search answers with the customers found, each with their points balance and home store, and logs
that the caller saw them (``access``). On a thread that is a transaction of four round trips (the
search, the balances, the access-log insert, the commit). Here it is one autocommit statement: the
search as a CTE, the access-log rows inserted by a data-modifying CTE over it (PostgreSQL runs it to
completion whether or not the answer reads it), and the answer joined with balances and stores. Which
customers are found is ``service.search_condition``, shared with the thread path, and the answers
are compared in ``tests/server/test_loop_reads.py``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, insert, literal, select

from sync.server.auth.service import Caller
from sync.server.customers.access import QUERY_KEPT, CustomerAccess
from sync.server.customers.models import Customer
from sync.server.customers.schemas import CustomerOut
from sync.server.customers.service import SEARCH_LIMIT, search_condition, search_terms
from sync.server.db.base import utcnow
from sync.server.db.query import Query, Row
from sync.server.points.models import PointsAccount
from sync.server.stores.models import Store


def _search_and_log(*, phone: bool) -> Select[Any]:
    found = (
        select(
            Customer.id, Customer.member_no, Customer.name, Customer.name_kana, Customer.email,
            Customer.phone, Customer.home_store_id, Customer.created_at,
        )
        .where(search_condition(phone=phone))
        .order_by(Customer.id)
        .limit(SEARCH_LIMIT)
        .cte("found")
    )  # fmt: skip
    logged = insert(CustomerAccess).from_select(
        ["customer_id", "caller_kind", "caller_id", "store_code", "action", "query", "at"],
        select(
            found.c.id, bindparam("caller_kind"), bindparam("caller_id"), bindparam("store_code"),
            literal("search"), bindparam("query"), bindparam("at", type_=CustomerAccess.at.type),
        ),
    )  # fmt: skip
    return (
        select(
            found.c.id, found.c.member_no, found.c.name, found.c.name_kana, found.c.email, found.c.phone,
            Store.code.label("home_store"), PointsAccount.balance.label("points_balance"), found.c.created_at,
        )
        .select_from(found)
        .outerjoin(PointsAccount, PointsAccount.customer_id == found.c.id)
        .outerjoin(Store, Store.id == found.c.home_store_id)
        .order_by(found.c.id)
        .add_cte(logged.cte("logged"))
    )  # fmt: skip


SEARCH = {phone: Query.of(_search_and_log(phone=phone)) for phone in (False, True)}
"""By whether the text is also a phone number (the one condition that comes and goes)."""


def search_query(q: str, caller: Caller) -> tuple[Query, dict[str, Any]]:
    """The statement and parameters that search for ``q`` and log ``caller``'s look."""
    terms = search_terms(q)
    params: dict[str, Any] = {
        **{name: value for name, value in terms.items() if value is not None},
        "caller_kind": caller.kind,
        "caller_id": str(caller.credential_id)[:36],
        "store_code": caller.store_code,
        "query": q[:QUERY_KEPT],
        "at": utcnow(),
    }
    return SEARCH[terms["phone"] is not None], params


def found(rows: list[Row]) -> list[CustomerOut]:
    """The answer for the rows of ``SEARCH``."""
    return [CustomerOut.model_validate({**row, "points_balance": row["points_balance"] or 0}) for row in rows]
