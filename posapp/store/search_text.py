"""What the product search indexes hold: folded text for the trigram index, grams for 1–2 characters.

Both indexes are fed the product's name and kana folded the same way a query is: NFKC (half-width
kana become full-width, full-width letters and digits become ASCII) and lower case. So ｶｯﾌﾟ finds
カップ, and ＰＥＴ finds pet.

Japanese has no spaces between words, and FTS5's trigram tokenizer cannot answer queries shorter
than three characters. The gram index answers those: each text is indexed as the tokens
``t0 t0t1 t1t2 … t(n-1)`` (its first character, every overlapping pair, and the last character, so
every character starts a token), with FTS5's ``ascii`` tokenizer splitting on the spaces. A
two-character query is one exact token; a one-character query is a prefix query answered by the
index's one-character prefix index.

A first download folds and cuts a million names, so the work is done a page at a time with a few
C-level calls over the whole page (one ``normalize``, one array interleave), not per row: about
1 µs per product instead of 10. The per-row functions registered with SQLite for the index triggers
call the same page functions with one row, so a row's tokens are the same whichever way they were
made (the index's ``delete`` needs exactly the tokens that were inserted).
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence

ROW_SEPARATOR = "\n"
_SPACE = ord(" ")
# Between two rows the interleave leaves the pairs (last, "\n") and ("\n", first): "x\n \ny ".
_ROW_BOUNDARY = "\n \n"


class UnindexableText(ValueError):
    """A name that cannot be indexed (it folds to a line break); validation refuses these first."""


def fold(text: str) -> str:
    """A query or a name as the indexes compare it: NFKC, lower case, outer spaces stripped."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def fold_rows(rows: Sequence[tuple[str, str]]) -> list[str]:
    """``"name kana"`` of each ``(name, name_kana)`` row, folded; one ``normalize`` call for the page."""
    if not rows:
        return []
    page = ROW_SEPARATOR.join([f"{name} {kana}" for name, kana in rows])
    folded = unicodedata.normalize("NFKC", page).lower().split(ROW_SEPARATOR)
    if len(folded) != len(rows):
        raise UnindexableText("a product name folds to a line break")
    return folded


def gram_rows(folded: Sequence[str]) -> list[str]:
    """The gram tokens of each folded text (``t0 t0t1 t1t2 … t(n-1)``), for the whole page at once."""
    if not folded:
        return []
    page = ROW_SEPARATOR + ROW_SEPARATOR.join(folded)
    chars = array("I")
    chars.frombytes(page.encode("utf-32-le"))
    count = len(chars)
    # Each character becomes three: itself, the next one, a space — "ab", "bc", … as tokens.
    pairs = array("I", [_SPACE]) * (3 * count)
    pairs[0::3] = chars
    pairs[1 : 3 * (count - 1) : 3] = chars[1:]
    parts = pairs.tobytes().decode("utf-32-le").split(_ROW_BOUNDARY)
    if len(parts) != len(folded):
        raise UnindexableText("a product name folds to a line break")
    return [part.strip() for part in parts]


def row_text(name: str, kana: str) -> str:
    """One product's folded text (the trigram index's column); SQLite calls this from the triggers."""
    return fold_rows([(name, kana)])[0]


def row_grams(name: str, kana: str) -> str:
    """One product's gram tokens (the gram index's column); SQLite calls this from the triggers."""
    return gram_rows(fold_rows([(name, kana)]))[0]


def to_katakana(text: str) -> str:
    """Hiragana turned to katakana (the script product and customer kana are kept in)."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def to_hiragana(text: str) -> str:
    """Katakana turned to hiragana (for names written in hiragana, such as おいしい牛乳)."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def query_variants(query: str) -> list[str]:
    """The folded query as typed, in katakana and in hiragana (kana queries find either script)."""
    folded = fold(query)
    return sorted({folded, to_katakana(folded), to_hiragana(folded)}) if folded else []
