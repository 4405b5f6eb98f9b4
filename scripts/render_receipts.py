"""Render the worked example sale, a return and a Z report to PNGs in docs/receipts/."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path

from posapp.devices.image import save_png
from posapp.devices.render import render_receipt
from posapp.devices.reports import closing_document
from posapp.domain.cart import Cart, CartLine
from posapp.domain.closing import CashCount, ClosingFigures
from posapp.domain.receipt import (
    ReceiptDocument,
    ReceiptHeader,
    ReceiptKind,
    ReceiptPoints,
    build_sale_receipt,
)
from posapp.domain.tax import RateTotal, TaxClass, TaxPolicy
from posapp.domain.tender import Tender, TenderKind, settle

JST = timezone(timedelta(hours=9))
OUT = Path(__file__).resolve().parents[1] / "docs" / "receipts"

WORKED_ITEMS = (
    ("おにぎり鮭", 138, 3, TaxClass.REDUCED),
    ("緑茶 500ml", 151, 1, TaxClass.REDUCED),
    ("食パン 6枚", 213, 1, TaxClass.REDUCED),
    ("台所用洗剤", 398, 1, TaxClass.STANDARD),
    ("乾電池 単3x4", 657, 1, TaxClass.STANDARD),
    ("ゴミ袋 45L", 218, 1, TaxClass.STANDARD),
)
"""The six lines of the worked receipt in domain-jp.md §2 (¥2,051, 8 items)."""


def worked_header(receipt_no: str = "S001-01-000123", *, minute: int = 5) -> ReceiptHeader:
    """The worked example's store, terminal and clerk."""
    return ReceiptHeader(
        store_name="○○マート 渋谷店",
        registration_number="T7000012050002",
        issued_at=datetime(2025, 11, 22, 14, minute, tzinfo=JST),
        terminal_code="01",
        clerk_name="山田",
        receipt_no=receipt_no,
        phone="TEL 03-1234-5678",
    )


def worked_cart() -> Cart:
    """The worked example's cart, tax-inclusive, rounding down."""
    cart = Cart(policy=TaxPolicy())
    for name, price, quantity, tax_class in WORKED_ITEMS:
        cart = cart.add(
            CartLine(sku=name, name=name, unit_price=price, quantity=quantity, tax_class=tax_class)
        )
    return cart


def worked_sale(*, points: bool = True) -> ReceiptDocument:
    """The ¥2,051 sale paid with ¥3,000 cash, change ¥949."""
    cart = worked_cart()
    totals = cart.totals()
    return build_sale_receipt(
        header=worked_header(),
        cart=cart,
        totals=totals,
        settlement=settle(totals.amount_due, [Tender(TenderKind.CASH, 3000)]),
        points=ReceiptPoints(member_no="2900012345678", used=0, earned=20, balance=1_520) if points else None,
        footer_messages=("お買い上げありがとうございます", "レシートは返品時に必要です"),
    )


def worked_return() -> ReceiptDocument:
    """The onigiri returned from the worked sale, refunded in cash."""
    cart = Cart(policy=TaxPolicy()).add(
        CartLine(sku="おにぎり鮭", name="おにぎり鮭", unit_price=138, quantity=3, tax_class=TaxClass.REDUCED)
    )
    totals = cart.totals()
    return build_sale_receipt(
        kind=ReceiptKind.RETURN,
        header=worked_header("S001-01-000130", minute=40),
        cart=cart,
        totals=totals,
        settlement=settle(totals.amount_due, [Tender(TenderKind.CASH, totals.amount_due)]),
        original_receipt_no="S001-01-000123",
        footer_messages=("またのご来店をお待ちしております",),
    )


def sample_z_report() -> ReceiptDocument:
    """A day's Z report with a drawer ¥200 short."""
    figures = ClosingFigures(
        gross_sales=184_320,
        net_sales=183_906,
        by_rate=(RateTotal(10, 102_300, 9_300, 102_300), RateTotal(8, 81_606, 6_044, 81_606)),
        by_tender={"cash": 120_406, "card": 41_200, "emoney": 15_300, "qr": 7_000},
        customers=96,
        items=412,
        discounts=2_140,
        points_used=300,
        points_earned=1_104,
        voids_count=2,
        voids_amount=1_250,
        returns_count=1,
        returns_amount=414,
        cash_in=5_000,
        cash_out=3_000,
        opening_float=30_000,
        cash_sales=120_406,
        cash_refunds=414,
    )
    counted = CashCount({10_000: 10, 5_000: 4, 1_000: 27, 500: 6, 100: 17, 50: 1, 10: 4, 1: 2})
    return closing_document(
        header=worked_header("Z-000042", minute=59),
        figures=figures,
        reconciliation=figures.reconcile(counted=counted.total),
        closing_no=42,
    )


def sample_logo(width_dots: int = 384) -> bytes:
    """A store logo as a manager would upload it (drawn here: a mark and the store's name), as 1-bit PNG."""
    import io

    from PIL import Image, ImageDraw

    from posapp.devices import graphics
    from posapp.devices.image import load_font

    picture = Image.new("RGB", (360, 96), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((8, 8, 88, 88), fill=(0, 87, 184))
    draw.text((48, 48), "○", font=load_font(bold=True, size=48), fill="white", anchor="mm")
    draw.text((104, 48), "○○マート", font=load_font(bold=True, size=44), fill="black", anchor="lm")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return graphics.logo_png(graphics.prepare_logo(out.getvalue(), width_dots=width_dots))


def main() -> None:
    """Write sale.png, return.png, z-report.png and a 58 mm sale with the logo and QR codes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=42)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, doc in (("sale", worked_sale()), ("return", worked_return()), ("z-report", sample_z_report())):
        path = args.out / f"{name}.png"
        save_png(render_receipt(doc, width=args.width), path, width=args.width)
        print(path)
    from posapp.devices.graphics import load_logo

    lines = render_receipt(
        worked_sale(), width=32, logo=True, qr_receipt_no=True, qr_url="https://shop.example.jp/mypage"
    )
    path = args.out / "sale-58mm-logo-qr.png"
    save_png(lines, path, width=32, logo=load_logo(sample_logo()))
    print(path)


if __name__ == "__main__":
    main()
