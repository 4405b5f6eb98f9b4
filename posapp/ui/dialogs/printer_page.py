"""The printer part of the device setup: transport, paper, mode, cutter, drawer, logo, QR codes, status.

Only widgets and the mapping to ``PrinterSetup``; the rules live in ``posapp/devices/setup.py``.
The preview beside the form is the test page drawn by the same code that makes the printer's bytes.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from posapp.devices.setup import (
    BAUD_RATES,
    PULSE_RANGE,
    CutMode,
    PrinterSetup,
    TransportKind,
    TransportSpec,
    build_transport_spec,
)
from posapp.ui.i18n import QT_TR_NOOP, tr
from posapp.ui.widgets import touch_button

KINDS = (
    (TransportKind.NONE, QT_TR_NOOP("なし(画面のプレビューのみ)")),
    (TransportKind.NETWORK, QT_TR_NOOP("ネットワーク (LAN)")),
    (TransportKind.USB, "USB"),
    (TransportKind.SERIAL, QT_TR_NOOP("シリアル (RS-232C)")),
    (TransportKind.FILE, QT_TR_NOOP("ファイル・デバイス")),
)
PAPERS = (
    (32, QT_TR_NOOP("58 mm — 32桁")),
    (42, QT_TR_NOOP("80 mm — 42桁 (TM-T88 など)")),
    (48, QT_TR_NOOP("80 mm — 48桁 (TM-T20・TM-m30 など)")),
)
MODES = (
    (False, QT_TR_NOOP("漢字テキスト(漢字フォント内蔵機)")),
    (True, QT_TR_NOOP("画像で印刷(ラスター:漢字フォントのない機種)")),
)
CUTS = (
    (CutMode.PARTIAL, QT_TR_NOOP("パーシャルカット")),
    (CutMode.FULL, QT_TR_NOOP("フルカット")),
    (CutMode.NONE, QT_TR_NOOP("カットしない")),
)


def _combo(items: tuple[tuple[object, str], ...]) -> QComboBox:
    box = QComboBox()
    for value, label in items:
        box.addItem(tr(label), value)
    return box


def _select(box: QComboBox, value: object) -> None:
    box.setCurrentIndex(max(box.findData(value), 0))


class PrinterPage(QWidget):
    """The printer form; ``setup()`` reads it back (raising ``InvalidDeviceSetting`` naming a field)."""

    changed = Signal()
    scan_requested = Signal(str, int)
    problem = Signal(object)
    """A picture that could not be used (the dialog shows it on its error line)."""

    def __init__(self, setup: PrinterSetup, subnet: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = setup
        self.logo_png = setup.logo_png
        self._build_transport(setup.transport_spec(), subnet)
        self._build_paper_and_drawer(setup)
        self._build_logo_and_qr(setup)
        self._kind_chosen()
        self._lay_out(self._build_preview())
        self._chain_tabs()
        self._watch_changes()
        self.show_logo_state()
        self.refresh_preview()

    # ---- building the form -------------------------------------------------------------------------

    def _build_transport(self, spec: TransportSpec, subnet: str) -> None:
        """The connection kind and, in a stack, the fields of each kind (network, USB, serial, file)."""
        self.kind = _combo(KINDS)
        self.host = QLineEdit(spec.host)
        self.host.setPlaceholderText("192.168.1.50")
        self.port = QLineEdit(str(spec.port))
        self.subnet = QLineEdit(subnet)
        self.scan_button = touch_button(tr("ネットワークのプリンターを探す"), focus=True)
        self.scan_button.clicked.connect(self._scan)
        self.found = QListWidget()
        self.found.setMaximumHeight(90)
        self.found.itemActivated.connect(lambda item: self.host.setText(item.text()))
        self.found.itemClicked.connect(lambda item: self.host.setText(item.text()))
        self.vendor = QLineEdit(f"{spec.vendor:04x}" if spec.vendor else "")
        self.vendor.setPlaceholderText("04b8")
        self.product = QLineEdit(f"{spec.product:04x}" if spec.product else "")
        self.product.setPlaceholderText("0e15")
        self.device = QLineEdit(spec.device)
        self.device.setPlaceholderText("/dev/ttyUSB0 / COM3")
        self.baudrate = _combo(tuple((rate, str(rate)) for rate in BAUD_RATES))
        _select(self.baudrate, spec.baudrate)
        self.path = QLineEdit(spec.path)
        self.path.setPlaceholderText("/dev/usb/lp0")
        self.stack = QStackedWidget()
        self.forms: dict[TransportKind, QWidget] = {}
        for kind, rows in (
            (TransportKind.NONE, ()),
            (TransportKind.NETWORK, ((QT_TR_NOOP("IPアドレス"), self.host), (QT_TR_NOOP("ポート"), self.port), (QT_TR_NOOP("探す範囲"), self.subnet),
                                     ("", self.scan_button), ("見つかったプリンター", self.found))),
            (TransportKind.USB, ((QT_TR_NOOP("ベンダーID"), self.vendor), (QT_TR_NOOP("プロダクトID"), self.product))),
            (TransportKind.SERIAL, ((QT_TR_NOOP("ポート"), self.device), (QT_TR_NOOP("通信速度"), self.baudrate))),
            (TransportKind.FILE, ((QT_TR_NOOP("パス"), self.path),)),
        ):  # fmt: skip
            form_widget = QWidget()
            form = QFormLayout(form_widget)
            form.setContentsMargins(0, 0, 0, 0)
            for label, widget in rows:
                form.addRow(tr(label), widget)
            self.forms[kind] = form_widget
            self.stack.addWidget(form_widget)
        _select(self.kind, spec.kind)
        self.kind.currentIndexChanged.connect(self._kind_chosen)  # shown by __init__ once all is built

    def _build_paper_and_drawer(self, setup: PrinterSetup) -> None:
        self.columns = _combo(PAPERS)
        _select(self.columns, setup.columns)
        self.mode = _combo(MODES)
        _select(self.mode, setup.raster)
        self.cut = _combo(CUTS)
        _select(self.cut, setup.cut)
        self.drawer_pin = _combo(((2, QT_TR_NOOP("2番ピン")), (5, QT_TR_NOOP("5番ピン"))))
        _select(self.drawer_pin, setup.drawer_pin)
        self.pulse = QSpinBox()
        self.pulse.setRange(*PULSE_RANGE)
        self.pulse.setSingleStep(10)
        self.pulse.setSuffix(" ms")
        self.pulse.setValue(setup.drawer_pulse_ms)

    def _build_logo_and_qr(self, setup: PrinterSetup) -> None:
        self.logo_path = QLineEdit()
        self.logo_path.setPlaceholderText(tr("ロゴ画像のファイル (PNG・JPEG・BMP)"))
        self.logo_path.returnPressed.connect(self.load_logo_file)
        self.browse_button = browse = touch_button(tr("参照…"), focus=True)
        browse.clicked.connect(self._browse)
        self.load_button = load = touch_button(tr("読み込む"), focus=True)
        load.clicked.connect(self.load_logo_file)
        self.remove_logo = touch_button(tr("ロゴを外す"), focus=True)
        self.remove_logo.clicked.connect(self.clear_logo)
        self.logo_state = QLabel()
        self.logo_state.setWordWrap(True)
        self.qr_receipt_no = QCheckBox(tr("レシート番号のQRコード(返品のときに読み取り)"))
        self.qr_receipt_no.setChecked(setup.qr_receipt_no)
        self.qr_url = QLineEdit(setup.qr_url)
        self.qr_url.setPlaceholderText("https://shop.example.jp/mypage")
        self.watch_status = QCheckBox(tr("プリンターの状態を見守る(用紙切れ・カバー開など)"))
        self.watch_status.setChecked(setup.watch_status)

    def _build_preview(self) -> QScrollArea:
        """The receipt as it will print, beside the form."""
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(330)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return scroll

    def _lay_out(self, scroll: QScrollArea) -> None:
        logo_row = QHBoxLayout()
        for widget in (self.logo_path, self.browse_button, self.load_button, self.remove_logo):
            logo_row.addWidget(widget)
        pulse_row = QHBoxLayout()
        pulse_row.addWidget(self.drawer_pin)
        pulse_row.addWidget(self.pulse)
        form = QFormLayout()
        form.addRow(tr("接続"), self.kind)
        form.addRow(self.stack)
        form.addRow(tr("用紙幅"), self.columns)
        form.addRow(tr("印字方式"), self.mode)
        form.addRow(tr("カット"), self.cut)
        form.addRow(tr("ドロアー"), pulse_row)
        form.addRow(tr("ロゴ"), logo_row)
        form.addRow("", self.logo_state)
        form.addRow("", self.qr_receipt_no)
        form.addRow(tr("QRコードのURL(任意)"), self.qr_url)
        form.addRow("", self.watch_status)
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        layout.addLayout(left, 3)
        layout.addWidget(scroll, 2)

    def _chain_tabs(self) -> None:
        """``fields`` names each input for error messages; tab goes through them top to bottom."""
        self.fields: dict[str, QWidget] = {
            "transport": self.kind, "host": self.host, "port": self.port, "subnet": self.subnet,
            "vendor": self.vendor, "product": self.product, "device": self.device,
            "baudrate": self.baudrate, "path": self.path, "columns": self.columns,
            "drawer_pin": self.drawer_pin, "drawer_pulse_ms": self.pulse, "logo": self.logo_path,
            "qr_url": self.qr_url,
        }  # fmt: skip
        chain: list[QWidget] = [
            self.kind, self.host, self.port, self.subnet, self.scan_button, self.found, self.vendor,
            self.product, self.device, self.baudrate, self.path, self.columns, self.mode, self.cut,
            self.drawer_pin, self.pulse, self.logo_path, self.browse_button, self.load_button, self.remove_logo,
            self.qr_receipt_no, self.qr_url, self.watch_status,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)  # the order they are read in, top to bottom

    def _watch_changes(self) -> None:
        """A change redraws the preview once typing pauses, and tells the dialog."""
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_preview)
        for signal in (
            self.columns.currentIndexChanged, self.mode.currentIndexChanged, self.cut.currentIndexChanged,
            self.qr_receipt_no.toggled, self.qr_url.textChanged,
        ):  # fmt: skip
            signal.connect(self._changed)

    # ---- reading the form --------------------------------------------------------------------------

    def transport_kind(self) -> TransportKind:
        """The chosen connection."""
        return TransportKind(self.kind.currentData())

    def setup(self) -> PrinterSetup:
        """The form as a validated ``PrinterSetup``."""
        spec = build_transport_spec(
            self.transport_kind(),
            host=self.host.text(),
            port=self.port.text(),
            vendor=self.vendor.text(),
            product=self.product.text(),
            device=self.device.text(),
            baudrate=str(self.baudrate.currentData()),
            path=self.path.text(),
        )
        return PrinterSetup(
            transport=spec.text(),
            columns=int(self.columns.currentData()),
            raster=bool(self.mode.currentData()),
            cut=CutMode(self.cut.currentData()),
            drawer_pin=int(self.drawer_pin.currentData()),
            drawer_pulse_ms=self.pulse.value(),
            logo_png=self.logo_png,
            logo_in_printer=self.original.logo_in_printer,
            qr_receipt_no=self.qr_receipt_no.isChecked(),
            qr_url=self.qr_url.text().strip(),
            watch_status=self.watch_status.isChecked(),
        ).validate()

    def preview_setup(self) -> PrinterSetup:
        """What the preview draws: the form's paper, mode, logo and QR codes (the transport may be unfinished)."""
        return dataclasses.replace(
            self.original,
            transport="",
            columns=int(self.columns.currentData()),
            raster=bool(self.mode.currentData()),
            logo_png=self.logo_png,
            qr_receipt_no=self.qr_receipt_no.isChecked(),
            qr_url=self.qr_url.text().strip(),
        )

    # ---- reacting ----------------------------------------------------------------------------------

    def _kind_chosen(self) -> None:
        self.stack.setCurrentWidget(self.forms[self.transport_kind()])
        self.watch_status.setEnabled(self.transport_kind() is not TransportKind.FILE)

    def _changed(self) -> None:
        self._refresh_timer.start()
        self.changed.emit()

    def _scan(self) -> None:
        port = self.port.text().strip()
        self.scan_requested.emit(self.subnet.text(), int(port) if port.isdigit() else 9100)

    def show_found(self, hosts: list[str]) -> None:
        """List the hosts that answered; the first is chosen when the address is still empty."""
        self.found.clear()
        self.found.addItems(hosts)
        if hosts:
            self.found.setCurrentRow(0)
            if not self.host.text().strip():
                self.host.setText(hosts[0])
        else:
            self.found.addItem(tr("見つかりませんでした"))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("ロゴ画像を選ぶ"), str(Path.home()), "Images (*.png *.jpg *.jpeg *.bmp *.gif)"
        )
        if chosen:
            self.logo_path.setText(chosen)
            self.load_logo_file()

    def load_logo_file(self) -> None:
        """Read, convert and show the chosen picture; a bad one is reported through ``problem``."""
        from posapp.devices import graphics

        path = Path(self.logo_path.text().strip())
        try:
            data = path.read_bytes() if path.is_file() else b""
            width = int(self.columns.currentData()) * 12
            self.logo_png = graphics.logo_png(graphics.prepare_logo(data, width_dots=width))
        except (OSError, graphics.InvalidLogo) as error:
            self.problem.emit(
                error if isinstance(error, graphics.InvalidLogo) else graphics.InvalidLogo(str(error))
            )
            self.logo_path.setFocus()
            return
        self.show_logo_state()
        self._changed()

    def clear_logo(self) -> None:
        """No logo on receipts."""
        self.logo_png = b""
        self.logo_path.clear()
        self.show_logo_state()
        self._changed()

    def show_logo_state(self) -> None:
        from posapp.devices.graphics import logo_fingerprint

        if not self.logo_png:
            text = tr("ロゴなし")
        elif logo_fingerprint(self.logo_png) == self.original.logo_in_printer:
            text = "✔ " + tr("プリンターに登録済み")
        else:
            text = tr("保存するとプリンターに登録します(登録までは画像として印刷します)")
        self.logo_state.setText(text)
        self.remove_logo.setEnabled(bool(self.logo_png))

    def refresh_preview(self) -> None:
        """Draw the test page as the printer will print it."""
        from datetime import datetime

        from posapp.devices import graphics
        from posapp.devices.image import render_image
        from posapp.devices.testpage import render_test_page

        setup = self.preview_setup()
        lines = render_test_page(setup, store_name="", when=datetime.now().astimezone())
        logo = graphics.load_logo(setup.logo_png) if setup.logo_png else None
        image = render_image(lines, width=setup.columns, logo=logo).convert("L")
        qimage = QImage(
            image.tobytes(), image.width, image.height, image.width, QImage.Format.Format_Grayscale8
        )
        pixmap = QPixmap.fromImage(qimage.copy())
        self.preview.setPixmap(
            pixmap.scaledToWidth(min(pixmap.width(), 320), Qt.TransformationMode.SmoothTransformation)
        )
        self.preview_image = image
