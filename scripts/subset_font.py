"""Make the bundled receipt/UI font: BIZ UDGothic cut down to what a Japanese receipt printer can print.

    apt-get download fonts-morisawa-bizud-gothic && dpkg-deb -x fonts-morisawa-bizud-gothic_*.deb deb
    python -m scripts.subset_font deb/usr/share/fonts/truetype/bizud-gothic

Receipts are printed through code page 932 (``posapp.devices.layout.to_cp932``), so every character a
receipt can hold is in cp932: JIS X 0208, half-width katakana and the NEC/IBM extensions. Keeping only
those (plus the few Unicode look-alikes that stand for the same cp932 codes) takes each weight from
4.6 MB to 2.5 MB, small enough to ship in the wheel and the desktop bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

TARGET = Path(__file__).resolve().parents[1] / "posapp" / "resources" / "fonts"
WEIGHTS = ("BIZUDGothic-Regular.ttf", "BIZUDGothic-Bold.ttf")
# Characters that cp932 maps elsewhere but that text from a keyboard, a CSV or the server may use.
EXTRA = "¥‾−〜‖—¢£¬…·•"


def cp932_characters() -> set[str]:
    """Every character that decodes from a one- or two-byte cp932 code, less the user-defined area."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {bytes([b]).decode("cp932") for b in range(0xA1, 0xE0)}
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                char = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(char) <= 0xF8FF:  # gaiji: each printer's own, no font has them
                chars.add(char)
    return chars | set(EXTRA)


def main(source_dir: str) -> None:
    text = "".join(sorted(cp932_characters()))
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in WEIGHTS:
        options = subset.Options()
        options.layout_features = ["*"]  # keep vertical/half-width forms and kerning
        options.name_IDs = ["*"]  # the OFL notice and the family name stay in the font
        options.notdef_outline = True
        options.hinting = False  # hinting bytecode is half the file; FreeType autohints at receipt sizes
        font = subset.load_font(str(Path(source_dir) / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        subset.save_font(font, str(TARGET / name), options)
        print(f"{name}: {(TARGET / name).stat().st_size / 1e6:.1f} MB, {len(text)} characters")


if __name__ == "__main__":
    main(sys.argv[1])
