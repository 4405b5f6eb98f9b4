"""What a member looked at online lately, beside this store's cached stock: live from the server,
else nothing but labelled ``live=False`` (the counter never waits on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from posapp.services.omni import OmniOffline, get_json
from posapp.store.models import Customer, StockLevel
from sync.client.errors import ServerRefused

if TYPE_CHECKING:
    from posapp.services.counter import Counter


@dataclass(frozen=True, slots=True)
class InterestItem:
    """A product the customer looked at or left in a cart online, with this store's cached stock."""

    sku: str
    name: str
    viewed: int
    added_to_cart: int
    wishlist: int
    cart_abandoned: int
    last_at: datetime
    stock_here: int | None


@dataclass(frozen=True, slots=True)
class OnlineInterests:
    """Recent online interests and favourite categories; ``live`` is False when the server was not asked."""

    items: tuple[InterestItem, ...]
    categories: tuple[tuple[str, int], ...]
    tracking_excluded: bool
    live: bool


def online_interests(counter: Counter, member_no: str) -> OnlineInterests:
    """What the member looked at online lately, with this store's cached stock, and favourite categories."""
    counter.require_clerk()
    with counter.db.read() as session:
        server_id = session.scalar(select(Customer.server_id).where(Customer.member_no == member_no))
    if counter.link is None or server_id is None:
        return OnlineInterests((), (), tracking_excluded=False, live=False)
    try:
        data = get_json(counter, f"/v1/customers/{server_id}/interests", offline=OmniOffline)
    except (OmniOffline, ServerRefused):
        return OnlineInterests((), (), tracking_excluded=False, live=False)
    skus = [row["sku"] for row in data["products"]]
    store = counter.settings.store_code
    with counter.db.read() as session:
        stock = {
            sku: quantity
            for sku, quantity in session.execute(
                select(StockLevel.sku, StockLevel.quantity).where(
                    StockLevel.location == store, StockLevel.sku.in_(skus)
                )
            )
        }
    items = tuple(
        InterestItem(
            sku=row["sku"],
            name=row["name"],
            viewed=row["viewed"],
            added_to_cart=row["added_to_cart"],
            wishlist=row["wishlist"],
            cart_abandoned=row["cart_abandoned"],
            last_at=datetime.fromisoformat(row["last_at"]),
            stock_here=stock.get(row["sku"]),
        )
        for row in data["products"]
    )
    categories = tuple((row["category"], row["quantity"]) for row in data["categories"])
    return OnlineInterests(items, categories, tracking_excluded=data["tracking_excluded"], live=True)
