"""Demo data for a terminal with no server: a small shop, two clerks, one member (no Qt here)."""

from __future__ import annotations

from posapp.domain.pins import hash_pin
from posapp.services import Terminal
from posapp.store.cache import CacheChange, apply_changes

DEMO_CLERKS = (("1001", "1234", "山田", "cashier"), ("9001", "9999", "店長 佐藤", "manager"))
DEMO_PRODUCTS = (
    ("4901234567894", "SKU-ONIGIRI", "おにぎり鮭", "オニギリサケ", 138, "reduced"),
    ("4901234567801", "SKU-TEA", "緑茶 500ml", "リョクチャ", 151, "reduced"),
    ("4901234567818", "SKU-BREAD", "食パン 6枚", "ショクパン", 213, "reduced"),
    ("4901234567825", "SKU-DETERGENT", "台所用洗剤", "ダイドコロヨウセンザイ", 398, "standard"),
    ("4901234567832", "SKU-BATTERY", "乾電池 単3x4", "カンデンチ", 657, "standard"),
    ("4901234567849", "SKU-BAGS", "ゴミ袋 45L", "ゴミブクロ", 218, "standard"),
)
DEMO_MEMBER = "000000000042"


def demo_changes(*, pin_cost: int = 2**14) -> list[CacheChange]:
    """The change-feed rows a demo store would send."""
    store = {
        "code": "S001",
        "name": "○○マート 渋谷店",
        "registration_number": "T7000012050002",
        "timezone": "Asia/Tokyo",
    }
    changes = [CacheChange(1, "store", "S001", store)]
    for n, (code, pin, name, role) in enumerate(DEMO_CLERKS, start=2):
        payload = {
            "code": code,
            "name": name,
            "role": role,
            "pin_hash": hash_pin(pin, n=pin_cost),
            "active": True,
        }
        changes.append(CacheChange(n, "clerk", f"S001:{code}", payload))
    member = {
        "id": 42,
        "member_no": DEMO_MEMBER,
        "name": "鈴木 花子",
        "name_kana": "スズキ ハナコ",
        "phone": "09012345678",
        "email": "",
    }
    changes.append(CacheChange(4, "customer", "42", member))
    changes.append(
        CacheChange(5, "points_balance", "42", {"customer_id": 42, "member_no": DEMO_MEMBER, "balance": 1240})
    )
    for n, (jan, sku, name, kana, price, tax_class) in enumerate(DEMO_PRODUCTS, start=10):
        product = {
            "sku": sku,
            "jan": jan,
            "name": name,
            "name_kana": kana,
            "price": price,
            "tax_class": tax_class,
            "active": True,
        }
        changes.append(CacheChange(n, "product", sku, product))
        changes.append(
            CacheChange(n + 100, "stock", f"S001:{sku}", {"location": "S001", "sku": sku, "quantity": 20})
        )
    return changes


def seed_demo(terminal: Terminal, *, pin_cost: int = 2**14) -> None:
    """Make ``terminal`` a demo register of store S001 (terminal 02)."""
    terminal.configure(store_code="S001", terminal_code="02")
    with terminal.db.write() as session:
        apply_changes(session, demo_changes(pin_cost=pin_cost), store_code="S001")
    terminal.reload_settings()
