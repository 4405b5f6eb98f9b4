"""Every model in one place, so ``Base.metadata`` is complete for Alembic and tests."""

from sync.server.auth.models import AdminToken, Channel, Device, PairingCode
from sync.server.changes.models import ChangeLog, ServerEpoch
from sync.server.channel.models import OnlineOrder
from sync.server.contacts.models import Contact, ContactNote
from sync.server.customers.models import Customer, CustomerNote
from sync.server.db.base import Base
from sync.server.hq.models import HqAuditEntry, HqSession, HqUser, HqUserStore
from sync.server.omni.models import (
    BrowsingEvent,
    Coupon,
    CouponCampaign,
    CouponRedemption,
    Pickup,
    TrackingExclusion,
)
from sync.server.operations.models import Resolution
from sync.server.points.models import PointsAccount, PointsEntry, PointsHold
from sync.server.products.models import PriceChange, Product
from sync.server.reports.models import RollupMark, SalesDay, SalesDayRate
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stock.models import StockLevel, StockMovement
from sync.server.stores.models import Clerk, Store
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent
from sync.server.throttles.models import ThrottleCount

__all__ = [
    "AdminToken",
    "Base",
    "BrowsingEvent",
    "ChangeLog",
    "Channel",
    "Clerk",
    "Contact",
    "ContactNote",
    "Coupon",
    "CouponCampaign",
    "CouponRedemption",
    "Customer",
    "CustomerNote",
    "DeadLetter",
    "Device",
    "HqAuditEntry",
    "HqSession",
    "HqUser",
    "HqUserStore",
    "OnlineOrder",
    "PairingCode",
    "Pickup",
    "PointsAccount",
    "PointsEntry",
    "PointsHold",
    "PriceChange",
    "Product",
    "ReceivedEvent",
    "Resolution",
    "RollupMark",
    "SalesDay",
    "SalesDayRate",
    "ServerEpoch",
    "StockLevel",
    "StockMovement",
    "Store",
    "StoreSale",
    "StoreSaleRate",
    "ThrottleCount",
    "TrackingExclusion",
]
