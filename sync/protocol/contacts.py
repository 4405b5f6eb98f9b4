"""Customer contacts: a complaint, inquiry, return request or compliment, from the store, the web shop or
the call centre, with its status and notes. One shape for the channel API, the device API and HQ.

A contact is identified towards its author by the author's own id (``contact_id``: the web shop's
ticket number, the call centre's case number, the terminal's UUID), so a resend finds the first one.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


def _printable(value: str) -> str:
    # Line breaks are fine in a body; other control characters are not.
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t" for char in value):
        raise ValueError("control characters are not allowed")
    return value


ContactRef = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
]
MemberNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4,20}$")]
Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_printable)
]
Body = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(_printable)]
NoteBody = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(_printable)
]
Reference = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
]


class ContactKind(StrEnum):
    """What the customer came about."""

    COMPLAINT = "complaint"
    INQUIRY = "inquiry"
    RETURN_REQUEST = "return_request"
    COMPLIMENT = "compliment"


class ContactChannel(StrEnum):
    """How the customer reached the chain."""

    STORE = "store"
    WEB = "web"
    CALL_CENTRE = "call_centre"


class ContactStatus(StrEnum):
    """Where the contact stands; ``resolved`` says who resolved it and when."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactIn(_Body):
    """A contact a channel (web shop help desk, call centre) took; idempotent on ``contact_id``."""

    contact_id: ContactRef
    member_no: MemberNumber
    kind: ContactKind
    subject: Subject
    body: Body = ""
    order_id: Reference | None = Field(default=None, description="the online order it is about")
    receipt_no: Reference | None = Field(default=None, description="the store receipt it is about")
    opened_at: AwareDatetime | None = Field(default=None, description="when the customer got in touch")


class HqContactIn(ContactIn):
    """A contact HQ took itself, saying by which channel it came."""

    channel: ContactChannel = ContactChannel.CALL_CENTRE


class ContactNoteIn(_Body):
    """A note on a contact; ``internal`` notes are read by HQ and their author only."""

    body: NoteBody
    internal: bool = False


class ContactStatusIn(_Body):
    """A new status for a contact."""

    status: ContactStatus
    note: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_printable)
    ] = ""


class ContactNoteOut(BaseModel):
    """A note as the reader may see it."""

    id: int
    body: str
    internal: bool
    author: str = Field(description="store code, channel name, or the HQ user")
    written_at: datetime


class ContactOut(BaseModel):
    """A contact with the notes the reader may see."""

    id: int
    contact_id: str
    customer_id: int
    member_no: str
    kind: ContactKind
    channel: ContactChannel
    taken_by: str = Field(description="the store code or the channel's name that took it")
    subject: str
    body: str
    status: ContactStatus
    status_by: str | None = None
    status_at: datetime | None = None
    order_id: str | None = None
    receipt_no: str | None = None
    opened_at: datetime
    notes: list[ContactNoteOut] = Field(default_factory=list)


class ContactSummary(BaseModel):
    """A contact as the change feed carries it to the terminals that serve the member (no notes)."""

    model_config = ConfigDict(extra="ignore")

    id: int
    contact_id: str
    member_no: str
    kind: ContactKind
    channel: ContactChannel
    taken_by: str
    subject: str
    status: ContactStatus
    opened_at: datetime
    deleted: bool = False


def is_open_complaint(kind: ContactKind | str, status: ContactStatus | str) -> bool:
    """A complaint nobody has resolved yet: the counter must see it before serving the customer."""
    return ContactKind(kind) is ContactKind.COMPLAINT and ContactStatus(status) is not ContactStatus.RESOLVED
