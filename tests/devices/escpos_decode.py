"""A strict little ESC/POS reader for tests: it knows every command the encoder may send."""

from __future__ import annotations

from dataclasses import dataclass, field

# Command prefix → number of parameter bytes that follow it.
FIXED = {
    b"\x1b@": 0,
    b"\x1cC": 1,
    b"\x1bR": 1,
    b"\x1c&": 0,
    b"\x1c.": 0,
    b"\x1ba": 1,
    b"\x1bE": 1,
    b"\x1d!": 1,
    b"\x1c!": 1,
    b"\x1dh": 1,
    b"\x1dw": 1,
    b"\x1df": 1,
    b"\x1dH": 1,
    b"\x1bd": 1,
    b"\x1dV": 1,
    b"\x1bp": 3,
    b"\x1cp": 2,
}


@dataclass
class Decoded:
    """Text lines as printed, and every command in order with its parameters."""

    lines: list[str] = field(default_factory=list)
    commands: list[tuple[bytes, bytes]] = field(default_factory=list)
    raster: list[tuple[int, int, bytes]] = field(default_factory=list)
    kanji_runs: list[str] = field(default_factory=list)
    qr_data: list[str] = field(default_factory=list)
    """Data stored with ``GS ( k`` function 80 and printed with function 81, in order."""
    qr_settings: list[bytes] = field(default_factory=list)
    """``GS ( k`` functions 65 (model), 67 (module size) and 69 (error level): fn byte + parameters."""
    nv_graphics: dict[bytes, tuple[int, int, bytes]] = field(default_factory=dict)
    """Graphics defined with ``GS ( L`` function 67: key → (width in dots, height, packed rows)."""
    nv_prints: list[bytes] = field(default_factory=list)
    """Keys printed with ``GS ( L`` function 69."""

    def has(self, command: bytes, params: bytes | None = None) -> bool:
        return any(c == command and (params is None or p == params) for c, p in self.commands)


def decode(data: bytes) -> Decoded:  # noqa: C901 - one branch per ESC/POS command, as a printer reads them
    """Walk ``data``; bytes >= 0x80 outside Kanji mode, or an unknown command, fail the test."""
    out = Decoded()
    line = ""
    kanji = False
    run = bytearray()
    pending_qr: str | None = None
    i = 0
    while i < len(data):
        two = data[i : i + 2]
        if two in FIXED:
            n = FIXED[two]
            params = data[i + 2 : i + 2 + n]
            assert len(params) == n, f"truncated {two!r}"
            if two == b"\x1c&":
                assert not kanji, "FS & while already in Kanji mode"
                kanji = True
            elif two == b"\x1c.":
                assert kanji, "FS . outside Kanji mode"
                text = bytes(run).decode("cp932")
                out.kanji_runs.append(text)
                line += text
                run.clear()
                kanji = False
            out.commands.append((two, params))
            i += 2 + n
        elif two == b"\x1dk":
            m = data[i + 2]
            assert m >= 65, "only function B barcodes (with a length byte) are sent"
            length = data[i + 3]
            out.commands.append((two, data[i + 2 : i + 4 + length]))
            i += 4 + length
        elif data[i : i + 3] == b"\x1d(k":
            size = int.from_bytes(data[i + 3 : i + 5], "little")
            body = data[i + 5 : i + 5 + size]
            assert len(body) == size, "GS ( k shorter than its length"
            cn, fn = body[0], body[1]
            assert cn == 0x31, "only QR codes (cn=49) are sent"
            if fn == 80:
                assert body[2] == 0x30
                pending_qr = body[3:].decode("utf-8")
            elif fn == 81:
                assert pending_qr is not None, "QR printed before its data was stored"
                out.qr_data.append(pending_qr)
                pending_qr = None
            else:
                assert fn in (65, 67, 69), f"unknown GS ( k function {fn}"
                out.qr_settings.append(bytes([fn]) + body[2:])
            out.commands.append((b"\x1d(k", body))
            i += 5 + size
        elif data[i : i + 3] == b"\x1d(L":
            size = int.from_bytes(data[i + 3 : i + 5], "little")
            body = data[i + 5 : i + 5 + size]
            assert len(body) == size, "GS ( L shorter than its length"
            assert body[0] == 0x30, "m = 48"
            fn = body[1]
            if fn == 67:
                a, key, colours = body[2], body[3:5], body[5]
                width, height = int.from_bytes(body[6:8], "little"), int.from_bytes(body[8:10], "little")
                assert (a, colours, body[10]) == (0x30, 1, 0x31), "monochrome, one colour, colour 1"
                assert width % 8 == 0
                rows = body[11:]
                assert len(rows) == width // 8 * height, "graphic data does not match its size"
                out.nv_graphics[key] = (width, height, rows)
            elif fn == 69:
                assert size == 6 and body[4:6] == b"\x01\x01", "normal size"
                out.nv_prints.append(body[2:4])
            else:
                raise AssertionError(f"unknown GS ( L function {fn}")
            out.commands.append((b"\x1d(L", body))
            i += 5 + size
        elif data[i : i + 3] == b"\x1dv0":
            m, xl, xh, yl, yh = data[i + 3 : i + 8]
            width, height = xl + 256 * xh, yl + 256 * yh
            assert m == 0
            body = data[i + 8 : i + 8 + width * height]
            assert len(body) == width * height, "raster data shorter than its header says"
            out.raster.append((width, height, body))
            out.commands.append((b"\x1dv0", bytes([m, xl, xh, yl, yh])))
            i += 8 + width * height
        elif data[i] == 0x0A:
            assert not kanji, "line feed inside Kanji mode"
            out.lines.append(line)
            line = ""
            i += 1
        elif data[i] < 0x20 or data[i] == 0x7F:
            raise AssertionError(f"unknown control byte {data[i]:#x} at {i}: {data[i : i + 4]!r}")
        elif kanji:
            run.append(data[i])
            i += 1
        else:
            assert data[i] < 0x80, f"byte {data[i]:#x} outside Kanji mode at {i}"
            line += "¥" if data[i] == 0x5C else chr(data[i])
            i += 1
    assert not kanji, "job ends in Kanji mode"
    assert pending_qr is None, "QR data stored but never printed"
    if line:
        out.lines.append(line)
    return out
