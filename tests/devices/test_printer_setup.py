"""Each printer setting, decoded back from the bytes it makes: widths, raster, logo, QR, cut, drawer pin."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from posapp.devices import graphics
from posapp.devices.image import render_image, save_pdf, save_png
from posapp.devices.layout import display_width
from posapp.devices.printer import FileTransport, NetworkTransport, ReceiptPrinter
from posapp.devices.render import render_receipt
from posapp.devices.setup import (
    CutMode,
    InvalidDeviceSetting,
    PrinterSetup,
    TransportKind,
    build_transport_spec,
    parse_transport,
)
from posapp.devices.status import PrinterState
from posapp.devices.testpage import render_test_page, ruler
from posapp.domain.receipt import ReceiptDocument
from tests.devices.escpos_decode import decode
from tests.devices.fake_printer import fake_printer

URL = "https://shop.example.jp/mypage?r={receipt_no}"


def picture(width: int = 300, height: int = 120) -> bytes:
    """A logo a store might upload: colour, transparency, a shape to recognise."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, width // 2, height - 10), fill=(200, 0, 0, 255))
    draw.ellipse((width // 2 + 10, 10, width - 10, height - 10), fill=(0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def logo_setup(**changes: object) -> PrinterSetup:
    png = graphics.logo_png(graphics.prepare_logo(picture(), width_dots=504))
    return dataclasses.replace(PrinterSetup(logo_png=png), **changes)  # type: ignore[arg-type]


def printer(setup: PrinterSetup) -> ReceiptPrinter:
    return ReceiptPrinter(FileTransport("/dev/null"), setup=setup.validate())


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_each_paper_width_prints_its_columns(columns: int, sale: ReceiptDocument) -> None:
    job = decode(printer(PrinterSetup(columns=columns)).encode(sale))
    assert "-" * columns in job.lines  # the rule spans the paper exactly
    assert max(display_width(line) for line in job.lines) == columns
    test_page = decode(printer(PrinterSetup(columns=columns)).encode_lines(
        render_test_page(PrinterSetup(columns=columns), store_name="渋谷店", when=datetime.now(UTC))
    ))  # fmt: skip
    assert ruler(columns) in test_page.lines


def test_raster_mode_sends_a_picture_of_the_paper_width_and_no_text(sale: ReceiptDocument) -> None:
    job = decode(printer(PrinterSetup(columns=32, raster=True)).encode(sale))
    assert job.raster and {width for width, _, _ in job.raster} == {32 * 12 // 8}
    assert not job.kanji_runs and not job.has(b"\x1c&") and not job.qr_data
    assert job.commands[-1] == (b"\x1dV", b"\x01")


def test_logo_is_converted_stored_with_gs_l_and_printed_by_key(sale: ReceiptDocument) -> None:
    setup = logo_setup()
    logo = graphics.load_logo(setup.logo_png)
    assert logo.mode == "1" and logo.width % 8 == 0 and logo.width <= 504 and logo.height <= 240
    stored = decode(graphics.logo_store_bytes(logo))
    width, height, rows = stored.nv_graphics[b"OP"]
    assert (width, height) == logo.size
    # The rows are the picture: 1 bits where the logo is black.
    ink = {
        (x, y) for y in range(height) for x in range(width) if rows[y * width // 8 + x // 8] & (0x80 >> x % 8)
    }
    black = {(x, y) for y in range(height) for x in range(width) if logo.getpixel((x, y)) == 0}
    assert ink == black and len(ink) > width * height // 4

    in_printer = dataclasses.replace(setup, logo_in_printer=graphics.logo_fingerprint(setup.logo_png))
    job = decode(printer(in_printer).encode(sale))
    assert job.nv_prints == [b"OP"] and not job.raster  # a few bytes per receipt
    not_yet = decode(printer(setup).encode(sale))
    assert not not_yet.nv_prints and [(w, h) for w, h, _ in not_yet.raster] == [(width // 8, height)]


def test_logo_preview_is_the_real_picture(sale: ReceiptDocument) -> None:
    setup = logo_setup()
    logo = graphics.load_logo(setup.logo_png)
    lines = render_receipt(sale, width=42, logo=True)
    with_logo = render_image(lines, width=42, logo=logo, margin=0)
    without = render_image(lines, width=42, margin=0)
    assert with_logo.height - without.height == logo.height
    left = (42 * 12 - logo.width) // 2
    top = with_logo.crop((left, 0, left + logo.width, logo.height)).convert("1")
    assert top.tobytes() == logo.tobytes()


def test_bad_pictures_are_refused() -> None:
    with pytest.raises(graphics.InvalidLogo):
        graphics.prepare_logo(b"not a picture", width_dots=384)
    wide = graphics.logo_png(graphics.prepare_logo(picture(900, 100), width_dots=576))
    with pytest.raises(InvalidDeviceSetting) as refused:
        PrinterSetup(columns=32, logo_png=wide).validate()
    assert refused.value.field == "logo"


def test_qr_codes_of_the_receipt_number_and_the_store_address(sale: ReceiptDocument) -> None:
    job = decode(printer(PrinterSetup(qr_receipt_no=True, qr_url=URL)).encode(sale))
    number = sale.header.receipt_no
    assert job.qr_data == [number, f"https://shop.example.jp/mypage?r={number}"]
    assert bytes([65, 50, 0]) in job.qr_settings  # model 2
    assert bytes([67, 4]) in job.qr_settings and bytes([69, 49]) in job.qr_settings  # 4 dots, level M
    # The barcode stays: a 1D scanner reads it, a 2D scanner or a phone reads the QR code.
    assert [p for c, p in job.commands if c == b"\x1dk"] == [bytes([73, 16]) + b"{B" + number.encode()]
    assert not decode(printer(PrinterSetup(qr_receipt_no=False)).encode(sale)).qr_data


def test_qr_codes_in_the_png_and_pdf_previews_decode(tmp_path: Path, sale: ReceiptDocument) -> None:
    lines = render_receipt(sale, width=32, qr_receipt_no=True, qr_url=URL)
    png = tmp_path / "r.png"
    save_png(lines, png, width=32)
    with Image.open(png) as read_back:
        found = {result.text for result in zxingcpp.read_barcodes(read_back.convert("L"))}
    number = sale.header.receipt_no
    assert {number, URL.format(receipt_no=number)} <= found
    assert number in found  # the barcode (Code 39 in the preview) also reads back
    pdf_image = save_pdf(lines, tmp_path / "r.pdf", width=32)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert {r.text for r in zxingcpp.read_barcodes(pdf_image)} >= {number, URL.format(receipt_no=number)}


@pytest.mark.parametrize(
    ("pin", "pulse", "expected"),
    [(2, 100, b"\x00\x32\x32"), (5, 200, b"\x01\x64\x64"), (2, 20, b"\x00\x0a\x0a")],
)
def test_drawer_pin_and_pulse(pin: int, pulse: int, expected: bytes, sale: ReceiptDocument) -> None:
    setup = PrinterSetup(drawer_pin=pin, drawer_pulse_ms=pulse)
    job = decode(printer(setup).encode(sale, open_drawer=True))
    assert [p for c, p in job.commands if c == b"\x1bp"] == [expected]
    assert decode(printer(setup).drawer_bytes()).commands == [(b"\x1bp", expected)]


@pytest.mark.parametrize(
    ("cut", "last"), [(CutMode.PARTIAL, b"\x01"), (CutMode.FULL, b"\x00"), (CutMode.NONE, None)]
)
def test_cut_modes(cut: CutMode, last: bytes | None, sale: ReceiptDocument) -> None:
    job = decode(printer(PrinterSetup(cut=cut)).encode(sale))
    cuts = [p for c, p in job.commands if c == b"\x1dV"]
    assert cuts == ([] if last is None else [last])
    assert job.commands[-1][0] == b"\x1bd"[:2] or cuts  # without a cutter the paper is still fed out


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"columns": 40}, "columns"),
        ({"drawer_pin": 3}, "drawer_pin"),
        ({"drawer_pulse_ms": 900}, "drawer_pulse_ms"),
        ({"qr_url": "javascript:alert(1)"}, "qr_url"),
        ({"qr_url": "https://例え.jp/"}, "qr_url"),
        ({"transport": "lpt1"}, "transport"),
        ({"transport": "tcp://printer host:9100"}, "host"),
        ({"transport": "usb:04b8:zz"}, "product"),
        ({"transport": "serial:/dev/ttyS0?baud=1234"}, "baudrate"),
    ],
)
def test_settings_a_printer_cannot_follow_are_refused_by_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidDeviceSetting) as refused:
        dataclasses.replace(PrinterSetup(), **changes).validate()  # type: ignore[arg-type]
    assert refused.value.field == field and refused.value.message_key == f"error.device.{field}"


def test_transport_specs_round_trip() -> None:
    for spec in ("tcp://192.168.1.50:9100", "usb:04b8:0202", "serial:/dev/ttyUSB0?baud=38400", "serial:COM3",
                 "file:///tmp/spool.bin", "tcp://printer.local:9100"):  # fmt: skip
        assert parse_transport(spec).text() == spec
    assert parse_transport("usb:0x04B8:0x0E15").text() == "usb:04b8:0e15"
    built = build_transport_spec(TransportKind.NETWORK, host=" 10.0.0.7 ", port="9101")
    assert built.text() == "tcp://10.0.0.7:9101"
    with pytest.raises(InvalidDeviceSetting) as refused:
        build_transport_spec(TransportKind.NETWORK, host="10.0.0.7", port="70000")
    assert refused.value.field == "port"


def test_setup_survives_its_stored_form() -> None:
    setup = logo_setup(columns=48, raster=True, cut=CutMode.FULL, drawer_pin=5, qr_url=URL, watch_status=True)
    again = PrinterSetup.from_json("tcp://10.0.0.7:9100", setup.to_json())
    assert again == dataclasses.replace(setup, transport="tcp://10.0.0.7:9100")


def test_status_polling_against_the_fake_printer() -> None:
    with fake_printer() as fake:
        transport = NetworkTransport(fake.host, fake.port, timeout=2)
        assert transport.read_status().state is PrinterState.READY
        fake.paper_near_end = True
        assert transport.read_status().state is PrinterState.PAPER_NEAR_END
        fake.cover_open = True
        assert transport.read_status().state is PrinterState.COVER_OPEN
        fake.cover_open, fake.paper_out = False, True
        assert transport.read_status().state is PrinterState.PAPER_OUT
        fake.paper_out, fake.error = False, True
        assert transport.read_status().state is PrinterState.ERROR
        fake.answer_status = False
        silent = NetworkTransport(fake.host, fake.port, timeout=0.3).read_status()
        assert silent.state is PrinterState.UNKNOWN
    assert NetworkTransport(fake.host, fake.port, timeout=1).read_status().state is PrinterState.OFFLINE


def test_a_job_is_refused_with_words_when_the_cover_is_open(sale: ReceiptDocument) -> None:
    with fake_printer() as fake:
        setup = PrinterSetup(transport=fake.spec, watch_status=True)
        transport = NetworkTransport(fake.host, fake.port, timeout=2, query_status=True)
        fake.cover_open = True
        result = ReceiptPrinter(transport, setup=setup).print_receipt(sale)
        assert not result.ok and result.message_key == "error.printer.cover_open"
        fake.cover_open, fake.paper_near_end = False, True  # near end: still prints
        assert ReceiptPrinter(transport, setup=setup).print_receipt(sale).ok
        [job] = fake.wait_for_jobs(1)
    assert decode(job).qr_data == [sale.header.receipt_no]


class FakeEscposDevice:
    """python-escpos's Usb / Serial as far as the transport uses it: open, _raw, _read, close."""

    def __init__(self, reply: bytes) -> None:
        self.reply, self.written, self.opened = reply, b"", 0

    def open(self) -> None:
        self.opened += 1

    def _raw(self, data: bytes) -> None:
        self.written += data

    def _read(self) -> bytes:
        return self.reply

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("reply", "state"),
    [
        (bytes([0x12, 0x12]), PrinterState.READY),
        (bytes([0x12, 0x12 | 0x60]), PrinterState.PAPER_OUT),
        (b"", PrinterState.UNKNOWN),
    ],
)
def test_usb_and_serial_status_through_python_escpos(
    monkeypatch: pytest.MonkeyPatch, reply: bytes, state: PrinterState
) -> None:
    from posapp.devices.printer import EscposDeviceTransport
    from posapp.devices.status import STATUS_QUERY

    device = FakeEscposDevice(reply)
    transport = EscposDeviceTransport("usb", query_status=True, idVendor=0x04B8, idProduct=0x0E15)
    monkeypatch.setattr(transport, "_device", lambda: device)
    assert transport.read_status().state is state
    assert device.written == STATUS_QUERY
    unplugged = EscposDeviceTransport("serial", devfile="/dev/null-printer")
    monkeypatch.setattr(unplugged, "_device", lambda: (_ for _ in ()).throw(OSError("no such device")))
    assert unplugged.read_status().state is PrinterState.OFFLINE
