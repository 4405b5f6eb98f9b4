"""Coupon campaigns as HQ issues them, and the codes issued to a member as the HQ console lists them.

Checking, holding and redeeming a code is :mod:`sync.server.omni.coupons`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server.customers.models import Customer
from sync.server.omni.coupons import normalise_code
from sync.server.omni.models import Coupon, CouponCampaign, CouponRedemption
from sync.server.omni.schemas import CampaignIn, CampaignOut
from sync.server.problems import Conflict, Invalid


def create_campaign(session: Session, *, body: CampaignIn) -> CampaignOut:
    """Store a campaign and its codes; 422 for unknown members, 409 for a code already issued."""
    members = {code.member_no for code in body.codes}
    query = select(Customer.member_no, Customer.id).where(Customer.member_no.in_(members))
    customers = {member_no: customer_id for member_no, customer_id in session.execute(query)}
    unknown = sorted(members - customers.keys())
    if unknown:
        raise Invalid(f"unknown members: {', '.join(unknown[:20])}", slug="unknown-member")
    campaign = CouponCampaign(
        name=body.name,
        kind=body.kind,
        value=body.value,
        min_spend=body.min_spend,
        categories=list(body.categories),
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        single_use=body.single_use,
    )
    session.add(campaign)
    session.flush()
    codes = (
        [(body.open_code, None)] if body.open_code else [(c.code, customers[c.member_no]) for c in body.codes]
    )
    try:
        with session.begin_nested():
            session.add_all(
                Coupon(code=normalise_code(code), campaign_id=campaign.id, customer_id=customer_id)
                for code, customer_id in codes
            )
    except IntegrityError as exc:
        raise Conflict("a code of this campaign was already issued", slug="coupon-code-taken") from exc
    return campaign_out(campaign, codes=len(codes))


def campaign_out(campaign: CouponCampaign, *, codes: int) -> CampaignOut:
    """A campaign as the API shows it."""
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        kind=campaign.kind,
        value=campaign.value,
        min_spend=campaign.min_spend,
        categories=list(campaign.categories),
        valid_from=campaign.valid_from,
        valid_to=campaign.valid_to,
        single_use=campaign.single_use,
        codes=codes,
    )


@dataclass(frozen=True, slots=True)
class IssuedCoupon:
    """A code issued to a member, its campaign, and whether (and where) it was used."""

    code: str
    campaign: CouponCampaign
    redeemed_at: datetime | None
    redeemed_for: str | None


def issued_to(session: Session, customer_ids: list[int]) -> list[IssuedCoupon]:
    """The codes issued to these customers (a member and the records merged into it), newest campaign first."""
    rows = session.execute(
        select(Coupon, CouponCampaign)
        .join(CouponCampaign, CouponCampaign.id == Coupon.campaign_id)
        .where(Coupon.customer_id.in_(customer_ids))
        .order_by(CouponCampaign.valid_to.desc(), Coupon.id.desc())
    ).all()
    used = {
        redemption.coupon_id: redemption
        for redemption in session.scalars(
            select(CouponRedemption)
            .where(
                CouponRedemption.coupon_id.in_([coupon.id for coupon, _c in rows]),
                CouponRedemption.status == "redeemed",
            )
            .order_by(CouponRedemption.id)
        )
    }
    return [
        IssuedCoupon(
            code=coupon.code,
            campaign=campaign,
            redeemed_at=used[coupon.id].created_at if coupon.id in used else None,
            redeemed_for=used[coupon.id].order_or_sale_id if coupon.id in used else None,
        )
        for coupon, campaign in rows
    ]
