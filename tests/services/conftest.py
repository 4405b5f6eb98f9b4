"""A terminal of store S001 with the worked example's products, two clerks and one member."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from posapp.domain.pins import hash_pin
from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes

PRODUCTS = [
    ("4901234567894", "SKU-ONIGIRI", "おにぎり鮭", "オニギリサケ", 138, "reduced"),
    ("4901234567801", "SKU-TEA", "緑茶 500ml", "リョクチャ", 151, "reduced"),
    ("4901234567818", "SKU-BREAD", "食パン 6枚", "ショクパン", 213, "reduced"),
    ("4901234567825", "SKU-DETERGENT", "台所用洗剤", "ダイドコロヨウセンザイ", 398, "standard"),
    ("4901234567832", "SKU-BATTERY", "乾電池 単3x4", "カンデンチ", 657, "standard"),
    ("4901234567849", "SKU-BAGS", "ゴミ袋 45L", "ゴミブクロ", 218, "standard"),
]
CASHIER = ("1001", "1234")
MANAGER = ("9001", "9999")
MEMBER_NO = "000000000042"


class FakeClock:
    """A clock the test moves by hand, starting on a Saturday afternoon in Tokyo."""

    def __init__(self) -> None:
        self.now = datetime(2025, 11, 22, 5, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def seed_changes() -> list[CacheChange]:
    """The change-feed rows a freshly paired terminal of S001 would pull."""
    changes = [
        CacheChange(
            1,
            "store",
            "S001",
            {
                "code": "S001",
                "name": "○○マート 渋谷店",
                "registration_number": "T7000012050002",
                "timezone": "Asia/Tokyo",
            },
        ),
        CacheChange(
            2,
            "clerk",
            "S001:1001",
            {
                "code": "1001",
                "name": "山田",
                "role": "cashier",
                "pin_hash": hash_pin(CASHIER[1], n=2**10),
                "active": True,
            },
        ),
        CacheChange(
            3,
            "clerk",
            "S001:9001",
            {
                "code": "9001",
                "name": "店長 佐藤",
                "role": "manager",
                "pin_hash": hash_pin(MANAGER[1], n=2**10),
                "active": True,
            },
        ),
        CacheChange(
            4,
            "customer",
            "42",
            {
                "id": 42,
                "member_no": MEMBER_NO,
                "name": "鈴木 花子",
                "name_kana": "スズキ ハナコ",
                "phone": "09012345678",
                "email": "",
            },
        ),
        CacheChange(5, "points_balance", "42", {"customer_id": 42, "member_no": MEMBER_NO, "balance": 1240}),
    ]
    for n, (jan, sku, name, kana, price, tax_class) in enumerate(PRODUCTS, start=10):
        changes.append(
            CacheChange(
                n,
                "product",
                sku,
                {
                    "sku": sku,
                    "jan": jan,
                    "name": name,
                    "name_kana": kana,
                    "price": price,
                    "tax_class": tax_class,
                    "active": True,
                },
            )
        )
        changes.append(
            CacheChange(n + 100, "stock", f"S001:{sku}", {"location": "S001", "sku": sku, "quantity": 20})
        )
    changes.append(
        CacheChange(
            200,
            "product",
            "SKU-DELI",
            {
                "sku": "SKU-DELI",
                "jan": None,
                "item_code": "123",
                "name": "惣菜 量り売り",
                "name_kana": "ソウザイ",
                "price": 0,
                "tax_class": "reduced",
            },
        )
    )
    return changes


def seed(terminal: Terminal) -> None:
    """Pair-like setup without a server: settings plus the seed changes."""
    terminal.configure(store_code="S001", terminal_code="02")
    with terminal.db.write() as session:
        apply_changes(session, seed_changes(), store_code="S001")
    terminal.reload_settings()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def terminal(tmp_path: Path, clock: FakeClock) -> Iterator[Terminal]:
    term = Terminal.open(tmp_path / "terminal", clock=clock)
    seed(term)
    yield term
    term.close()


@pytest.fixture
def signed_in(terminal: Terminal) -> Terminal:
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    return terminal
