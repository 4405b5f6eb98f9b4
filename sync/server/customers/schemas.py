"""Customer bodies: registration, profile, search results and the cross-channel timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from sync.protocol.contacts import ContactOut
from sync.protocol.live import HistoryEntry as HistoryEntry
from sync.protocol.live import LiveItem
from sync.server.validation import Code, Name, _no_control_characters

HistoryLine = LiveItem
"""One item of a sale or order: the live contract's item (``quantity``, store and online alike)."""

MemberNo = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4,20}$")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9０-９() -]{6,20}$")]
Kana = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_no_control_characters)
]


class CustomerIn(BaseModel):
    """A customer to register; the server gives a member number if none is given."""

    member_no: MemberNo | None = None
    name: Name
    name_kana: Kana = ""
    email: Email | None = None
    phone: Phone | None = None
    home_store: Code | None = Field(default=None, description="must be the device's own store")


class CustomerOut(BaseModel):
    """A customer profile with the points balance."""

    id: int
    member_no: str
    name: str
    name_kana: str
    email: str | None
    phone: str | None
    home_store: str | None
    points_balance: int
    created_at: datetime


class NoteIn(BaseModel):
    """A note about a customer."""

    body: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
        AfterValidator(_no_control_characters),
    ]


class MergeIn(BaseModel):
    """Merge ``duplicate_id`` into ``survivor_id``: history and points follow the survivor."""

    survivor_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    duplicate_id: Annotated[int, Field(ge=1, le=2**31 - 1)]


class MergeOut(BaseModel):
    """The survivor after the merge."""

    survivor: CustomerOut
    moved_entries: int


SearchQuery = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class AccessOut(BaseModel):
    """One look at a customer: who (device or HQ token, and its store), what and when."""

    caller_kind: str
    caller_id: str
    store_code: str | None
    action: str
    query: str | None
    at: datetime


class ExportNote(BaseModel):
    """A note about the customer."""

    id: int
    store_code: str | None
    body: str
    created_at: datetime


class ExportPointsEntry(BaseModel):
    """One entry of the customer's points ledger."""

    id: int
    kind: str
    points: int
    balance_after: int
    source: str | None
    reason: str
    location: str | None
    created_at: datetime


class ExportSale(BaseModel):
    """A store sale or return the customer's card was shown for."""

    id: str
    kind: str
    store: str | None
    receipt_no: str
    sold_at: datetime
    total: int
    items: list[dict[str, Any]]
    points_used: int
    points_earned: int


class ExportOrder(BaseModel):
    """An online order of the customer."""

    order_id: str
    location: str | None
    fulfilment_type: str
    status: str
    ordered_at: datetime
    total: int
    items: list[dict[str, Any]]
    points_used: int
    points_earned: int
    cancelled_at: datetime | None


class ExportBrowsingEvent(BaseModel):
    """Something the member did in the web shop."""

    sku: str
    kind: str
    at: datetime


class CustomerExport(BaseModel):
    """Everything the chain holds about a customer, for a disclosure request (開示請求)."""

    purpose_of_use: str
    exported_at: datetime
    customer: CustomerOut
    erased_at: datetime | None
    merged_ids: list[int] = Field(description="records merged into this one; their data is included")
    notes: list[ExportNote]
    points: list[ExportPointsEntry]
    store_sales: list[ExportSale]
    online_orders: list[ExportOrder]
    browsing_events: list[ExportBrowsingEvent]
    contacts: list[ContactOut] = Field(
        default_factory=list, description="complaints, inquiries… with every note"
    )
    access_log: list[AccessOut]


class ErasureOut(BaseModel):
    """A customer after erasure: the record stays (sales, points), the personal data is gone."""

    customer: CustomerOut
    erased_at: datetime
    notes_deleted: int
    browsing_events_deleted: int
    contacts_deleted: int = 0
