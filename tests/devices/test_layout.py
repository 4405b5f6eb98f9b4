"""Column arithmetic: width is the cp932 byte length, and nothing ever overflows the paper."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from posapp.devices.layout import (
    center,
    columns,
    display_width,
    ljust,
    printable,
    rjust,
    to_cp932,
    truncate,
    wrap,
)


def test_width_is_cp932_bytes() -> None:
    assert display_width("おにぎり鮭") == 10
    assert display_width("¥2,051") == 6
    assert display_width("①～－") == 6  # cp932 has them; shift_jis does not
    assert display_width("") == 0


def test_unprintable_characters_are_replaced_sensibly() -> None:
    assert printable("ｵﾆｷﾞﾘ") == "オニギリ"  # half-width kana would confuse Kanji mode
    assert printable("café") == "cafe"
    assert printable("🍙") == "〓"
    assert printable("a\tb") == "a b"
    assert to_cp932("¥100") == b"\\100"
    assert to_cp932("￥") == "￥".encode("cp932")


def test_justify_and_truncate_never_split_a_character() -> None:
    assert truncate("おにぎり", 5) == "おに"
    assert ljust("鮭", 4) == "鮭  "
    assert rjust("鮭", 4) == "  鮭"
    assert center("鮭", 6) == "  鮭"
    assert columns("合計  8点", "¥2,051", 20) == "合計  8点     ¥2,051"
    assert display_width(columns("とても長い商品名" * 5, "¥1,000", 32)) == 32
    assert wrap("あいうえお", 4) == ["あい", "うえ", "お"]


names = st.text(
    alphabet=st.sampled_from("おにぎり鮭緑茶パン①②～－ｱｲｳﾞABCxyz0123 ¥※・ー（）é🍙"), min_size=0, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(left=names, right=names, width=st.sampled_from([32, 42, 48]))
def test_columns_always_fit(left: str, right: str, width: int) -> None:
    assert display_width(columns(left, right, width)) <= width
