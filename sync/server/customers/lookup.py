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

from sqlalchemy import CTE, Select, String, bindparam, insert, literal, select

from sync.server.auth.service import Caller
from sync.server.customers.access import QUERY_KEPT, AccessAction, CustomerAccess
from sync.server.customers.models import Customer
from sync.server.customers.schemas import CustomerOut
from sync.server.customers.service import MAX_MERGE_HOPS, SEARCH_LIMIT, search_condition, search_terms
from sync.server.db.base import utcnow
from sync.server.db.query import Query, Row
from sync.server.points.models import PointsAccount
from sync.server.stores.models import Store

_PROFILE_COLUMNS = (
    Customer.id, Customer.member_no, Customer.name, Customer.name_kana, Customer.email, Customer.phone,
    Customer.home_store_id, Customer.created_at,
)  # fmt: skip


def _answer_and_log(found: CTE, action: AccessAction) -> Select[Any]:
    """The profiles of the customers in ``found`` with their balances and home stores, ``caller``'s look
    at them logged by a data-modifying CTE (PostgreSQL runs it whether or not the answer reads it)."""
    logged = insert(CustomerAccess).from_select(
        ["customer_id", "caller_kind", "caller_id", "store_code", "action", "query", "at"],
        select(
            found.c.id, bindparam("caller_kind"), bindparam("caller_id"), bindparam("store_code"),
            literal(action), bindparam("query", type_=String), bindparam("at", type_=CustomerAccess.at.type),
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


def _search_and_log(*, phone: bool, names: bool) -> Select[Any]:
    found = (
        select(*_PROFILE_COLUMNS)
        .where(search_condition(phone=phone, names=names))
        .order_by(Customer.id)
        .limit(SEARCH_LIMIT)
        .cte("found")
    )
    return _answer_and_log(found, "search")


def _profile_and_log() -> Select[Any]:
    # The customer, or the survivor its merges lead to, followed as service.get_customer does (at most
    # MAX_MERGE_HOPS redirects).
    chain = (
        select(Customer.id, Customer.merged_into_id, literal(0).label("hops"))
        .where(Customer.id == bindparam("customer_id"))
        .cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(Customer.id, Customer.merged_into_id, (chain.c.hops + 1).label("hops"))
        .join(chain, Customer.id == chain.c.merged_into_id)
        .where(chain.c.hops < MAX_MERGE_HOPS)
    )
    survivor = select(chain.c.id).order_by(chain.c.hops.desc()).limit(1).scalar_subquery()
    found = select(*_PROFILE_COLUMNS).where(Customer.id == survivor).cte("found")
    return _answer_and_log(found, "profile")


PROFILE = Query.of(_profile_and_log())


SEARCH = {
    (phone, names): Query.of(_search_and_log(phone=phone, names=names))
    for phone in (False, True)
    for names in (False, True)
}
"""By whether the text is also a phone number and whether names are searched (``search_terms``)."""


def search_query(q: str, caller: Caller) -> tuple[Query, dict[str, Any]]:
    """The statement and parameters that search for ``q`` and log ``caller``'s look."""
    terms = search_terms(q)
    params: dict[str, Any] = {
        **{name: value for name, value in terms.items() if value is not None},
        **_looker(caller),
        "query": q[:QUERY_KEPT],
    }
    return SEARCH[terms["phone"] is not None, terms["pattern"] is not None], params


def _looker(caller: Caller) -> dict[str, Any]:
    """Who looks and when, as the access log keeps it (``access.record_access``)."""
    return {
        "caller_kind": caller.kind,
        "caller_id": str(caller.credential_id)[:36],
        "store_code": caller.store_code,
        "at": utcnow(),
    }


def profile_query(customer_id: int, caller: Caller) -> tuple[Query, dict[str, Any]]:
    """The statement and parameters that read a customer's profile and log ``caller``'s look."""
    return PROFILE, {"customer_id": customer_id, **_looker(caller), "query": None}


def found(rows: list[Row]) -> list[CustomerOut]:
    """The answer for the rows of ``SEARCH``."""
    return [CustomerOut.model_validate({**row, "points_balance": row["points_balance"] or 0}) for row in rows]
