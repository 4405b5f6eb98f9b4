"""The words printed on receipts, in Japanese (the default) and English."""

from __future__ import annotations

from datetime import datetime

from posapp.domain.tender import TenderKind

_WEEKDAYS = {"ja": "月火水木金土日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}

JA: dict[str, str] = {
    "registration": "登録番号",
    "terminal": "レジ",
    "clerk": "担当",
    "receipt_no": "No.",
    "return": "返品",
    "return_invoice": "返還インボイス",
    "void": "取消",
    "reprint": "再発行",
    "original": "元レシート",
    "subtotal": "小計",
    "line_discount": "値引",
    "total": "合計",
    "return_total": "返品合計",
    "void_total": "取消合計",
    "count": "{n:>2}点",
    "rate_base": "{rate:>2}%対象",
    "rate_base_return": "{rate:>2}%対象返還額",
    "tax_inclusive": "内消費税等 {rate:>2}%",
    "tax_exclusive": "消費税等 {rate:>2}%",
    "tendered": "お預り",
    "refund": "ご返金",
    "change": "お釣り",
    "approval": "承認番号",
    "member": "会員番号",
    "points_used": "ご利用ポイント",
    "points_earned": "今回付与ポイント",
    "points_balance": "ポイント残高",
    "points_pending": "後日反映",
    "pt": "{n:,}pt",
    "legend": "※印は軽減税率({rate}%)対象商品",
    "eat_in": "店内飲食(イートイン) 標準税率{rate}%",
    "formal_title": "領 収 書",
    "honorific": " 様",
    "purpose": "但し {purpose}",
    "received": "上記正に領収いたしました",
    "paid_by": "お支払方法",
    "stamp": "収入印紙",
    "qr_url": "オンラインのご案内",
    "test_page": "テスト印刷",
    "test_ok": "この行が欠けずに印字されていれば用紙幅は正しい設定です",
    "x_report": "点検",
    "z_report": "精算",
    "closing_no": "精算No.{n}",
    "gross": "総売上",
    "net": "純売上",
    "by_tender": "支払別",
    "customers": "客数",
    "items": "点数",
    "discounts": "値引合計",
    "voids": "取消",
    "returns": "返品",
    "cases": "{n}件",
    "people": "{n}人",
    "cash_in": "入金",
    "cash_out": "出金",
    "reason": "理由",
    "amount": "金額",
    "drawer": "現金",
    "float": "釣銭準備金",
    "cash_sales": "現金売上",
    "cash_refunds": "現金返金",
    "pickup_cash": "店舗受取 代金",
    "expected": "理論在高",
    "counted": "実在高",
    "over_short": "過不足",
}

EN: dict[str, str] = {
    **JA,
    "registration": "Reg. No.",
    "terminal": "POS",
    "clerk": "Clerk",
    "return": "RETURN",
    "return_invoice": "Return invoice",
    "void": "VOID",
    "reprint": "REPRINT",
    "original": "Original",
    "subtotal": "Subtotal",
    "line_discount": "Discount",
    "total": "Total",
    "return_total": "Return total",
    "void_total": "Void total",
    "count": "{n:>2} items",
    "rate_base": "{rate:>2}% taxable",
    "rate_base_return": "{rate:>2}% refunded",
    "tax_inclusive": "incl. tax {rate:>2}%",
    "tax_exclusive": "tax {rate:>2}%",
    "tendered": "Cash",
    "refund": "Refund",
    "change": "Change",
    "approval": "Approval",
    "member": "Member",
    "points_used": "Points used",
    "points_earned": "Points earned",
    "points_balance": "Points balance",
    "points_pending": "pending",
    "legend": "※ reduced rate ({rate}%) items",
    "eat_in": "EAT-IN: standard rate {rate}%",
    "formal_title": "RECEIPT",
    "honorific": "",
    "purpose": "For: {purpose}",
    "received": "Received with thanks",
    "paid_by": "Paid by",
    "stamp": "Stamp",
    "qr_url": "Visit us online",
    "test_page": "Test print",
    "test_ok": "If this line prints whole, the paper width is right",
    "x_report": "X REPORT",
    "z_report": "Z REPORT",
    "closing_no": "Z No.{n}",
    "gross": "Gross sales",
    "net": "Net sales",
    "by_tender": "By tender",
    "customers": "Customers",
    "items": "Items",
    "discounts": "Discounts",
    "voids": "Voids",
    "returns": "Returns",
    "cases": "{n}",
    "people": "{n}",
    "cash_in": "PAID IN",
    "cash_out": "PAID OUT",
    "reason": "Reason",
    "amount": "Amount",
    "drawer": "Cash drawer",
    "float": "Float",
    "cash_sales": "Cash sales",
    "cash_refunds": "Cash refunds",
    "pickup_cash": "Pickup orders paid",
    "expected": "Expected",
    "counted": "Counted",
    "over_short": "Over/short",
}

TENDER_JA = {
    TenderKind.CASH: "現金",
    TenderKind.CARD: "カード",
    TenderKind.EMONEY: "電子マネー",
    TenderKind.QR: "QR決済",
    TenderKind.POINTS: "ポイント",
    TenderKind.VOUCHER: "商品券",
}
TENDER_EN = {
    TenderKind.CASH: "Cash",
    TenderKind.CARD: "Card",
    TenderKind.EMONEY: "E-money",
    TenderKind.QR: "QR pay",
    TenderKind.POINTS: "Points",
    TenderKind.VOUCHER: "Voucher",
}


def labels(language: str) -> dict[str, str]:
    """The label table for ``language`` (anything but English prints Japanese)."""
    return EN if language == "en" else JA


def tender_label(kind: TenderKind | str, language: str) -> str:
    """A tender's printed name; unknown kinds print as they are stored."""
    table = TENDER_EN if language == "en" else TENDER_JA
    try:
        return table[TenderKind(kind)]
    except ValueError:
        return str(kind)


def format_datetime(at: datetime, language: str) -> str:
    """``2025年11月22日(土) 14:05`` — the store's local time, with the weekday as receipts show it."""
    if language == "en":
        return f"{at:%Y-%m-%d} ({_WEEKDAYS['en'][at.weekday()]}) {at:%H:%M}"
    return f"{at.year}年{at.month}月{at.day}日({_WEEKDAYS['ja'][at.weekday()]}) {at:%H:%M}"


def format_date(at: datetime, language: str) -> str:
    """The date alone, as on a 領収書."""
    return f"{at:%Y-%m-%d}" if language == "en" else f"{at.year}年{at.month}月{at.day}日"
