"""The money that changes hands in an event: a sale's tenders and a return's refunds, bounded as the
domain's ``posapp.domain.tender`` takes them (``sync.protocol.events`` uses both)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from posapp.domain.errors import DomainError
from posapp.domain.money import MAX_AMOUNT
from posapp.domain.tender import TenderKind, check_reference


def _plain_reference(reference: str) -> str:
    if "\x00" in reference:
        raise ValueError("text must not contain NUL characters")
    try:
        check_reference(reference)
    except DomainError as error:
        raise ValueError(str(error)) from error
    return reference


Reference = Annotated[str, StringConstraints(max_length=200), AfterValidator(_plain_reference)]
"""An approval code or a masked number: never a card number, which the POS must not keep."""


class Payment(BaseModel):
    """A tender as the domain's ``Tender`` takes it: a known kind, ¥1 up to the register's limit (no
    tender is ¥0: a sale nothing is due on has none), a reference for cashless."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TenderKind
    amount: Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
    reference: Reference | None = None


class Refund(BaseModel):
    """Money given back on a return: ¥0 when the goods returned were paid with nothing but points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TenderKind
    amount: Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
    reference: Reference | None = None
