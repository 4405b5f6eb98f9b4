"""The first-run page (pair with a server, or open the demo) and the sign-in page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from posapp.services import ClerkInfo, Terminal
from posapp.ui.i18n import tr
from posapp.ui.widgets import Banner, Keypad, Retranslating, touch_button
from posapp.ui.worker import DbWorker


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    card.setMaximumWidth(560)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(12)
    return card, layout


def _centered(card: QFrame, parent: QWidget) -> None:
    outer = QHBoxLayout(parent)
    outer.addStretch(1)
    outer.addWidget(card, 2, Qt.AlignmentFlag.AlignVCenter)
    outer.addStretch(1)


class FirstRunPage(Retranslating, QWidget):
    """Emits ``pair_requested(url, code)`` or ``demo_requested``; the app does the work."""

    pair_requested = Signal(str, str)
    demo_requested = Signal()

    def __init__(self, server_url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card, layout = _card()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.server = QLineEdit(server_url)
        self.server.setPlaceholderText("https://pos.example.jp")
        self.code = QLineEdit()
        self.code.setObjectName("pairingCode")
        self.code.returnPressed.connect(self._pair)
        self.form = QFormLayout()
        self.server_label, self.code_label = QLabel(), QLabel()
        self.form.addRow(self.server_label, self.server)
        self.form.addRow(self.code_label, self.code)
        self.banner = Banner()
        self.pair_button = touch_button(name="primary", focus=True)
        self.pair_button.clicked.connect(self._pair)
        self.demo_button = touch_button(focus=True)
        self.demo_button.clicked.connect(self.demo_requested.emit)
        # The first catalog download (minutes for a big catalog): rows / total and time left.
        self.download_label = QLabel()
        self.download_label.setObjectName("downloadStatus")
        self.download_label.setWordWrap(True)
        self.download_bar = QProgressBar()
        self.download_bar.setObjectName("downloadBar")
        self.download_bar.setMinimumHeight(36)
        self.download_left = QLabel()
        self.download_left.setObjectName("downloadTimeLeft")
        self._download: tuple[int, int | None, float | None, bool] | None = None
        for widget in (self.title, self.intro):
            layout.addWidget(widget)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.pair_button)
        layout.addWidget(self.demo_button)
        self.download_widgets: tuple[QWidget, ...] = (
            self.download_label,
            self.download_bar,
            self.download_left,
        )
        for part in self.download_widgets:
            layout.addWidget(part)
            part.hide()
        _centered(card, self)
        self.retranslate()

    def _pair(self) -> None:
        self.pair_requested.emit(self.server.text().strip(), self.code.text().strip())

    def show_download(
        self, rows_done: int, rows_total: int | None, seconds_left: float | None, *, resumed: bool = False
    ) -> None:
        """Show the catalog download's progress in place of the pairing form."""
        self._download = (rows_done, rows_total, seconds_left, resumed)
        pairing: tuple[QWidget, ...] = (self.intro, self.server, self.code, self.server_label, self.code_label,
                                        self.pair_button, self.demo_button)  # fmt: skip
        for part in pairing:
            part.hide()
        for part in self.download_widgets:
            part.show()
        if rows_total:
            self.download_bar.setRange(0, rows_total)
            self.download_bar.setValue(min(rows_done, rows_total))
        else:
            self.download_bar.setRange(0, 0)  # the total is not known yet: a busy bar
        self._label_download()

    def _label_download(self) -> None:
        if self._download is None:
            return
        done, total, left, resumed = self._download
        text = tr("商品マスタを受信しています（{done} / {total} 件）").format(
            done=f"{done:,}", total=f"{total:,}" if total else "…"
        )
        if resumed:
            text += "\n" + tr("中断したところから続けています。")
        self.download_label.setText(text)
        if left is None:
            self.download_left.setText(tr("残り時間を計算しています…"))
        else:
            minutes, seconds = divmod(round(left), 60)
            self.download_left.setText(
                tr("残り 約{minutes}分{seconds}秒").format(minutes=minutes, seconds=seconds)
            )

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.title.setText(tr("レジの初期設定"))
        self.intro.setText(tr("本部で発行したペアリングコードを入力して、このレジを店舗に登録します。"))
        self.server_label.setText(tr("サーバーURL"))
        self.code_label.setText(tr("ペアリングコード"))
        self.pair_button.setText(tr("ペアリング"))
        self.demo_button.setText(tr("デモデータで開く"))
        self._label_download()


class SignInPage(Retranslating, QWidget):
    """Clerk code and PIN, by keyboard, keypad or a scanned clerk badge; emits ``signed_in``."""

    signed_in = Signal(object)

    def __init__(
        self, terminal: Terminal, worker: DbWorker, parent: QWidget | None = None, *, demo: bool = False
    ) -> None:
        super().__init__(parent)
        self.terminal = terminal
        self.worker = worker
        card, layout = _card()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.store = QLabel()
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("demoHint")
        self.demo_hint.setVisible(demo)
        self.code = QLineEdit()
        self.code.setObjectName("clerkCode")
        self.pin = QLineEdit()
        self.pin.setObjectName("clerkPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.code_label, self.pin_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.code_label, self.code)
        form.addRow(self.pin_label, self.pin)
        self.keypad = Keypad(self.code)
        self.keypad.entered.connect(self._keypad_enter)
        self.banner = Banner()
        layout.addWidget(self.title)
        layout.addWidget(self.store)
        layout.addWidget(self.demo_hint)
        layout.addLayout(form)
        layout.addWidget(self.keypad)
        layout.addWidget(self.banner)
        _centered(card, self)
        self.retranslate()

    def reset(self) -> None:
        """Empty fields, focus on the clerk code."""
        self.code.clear()
        self.pin.clear()
        self.banner.clear()
        settings = self.terminal.settings
        self.store.setText(f"{settings.store_name}  " + tr("レジ") + f"{settings.terminal_code}")
        self.code.setFocus()

    def _keypad_enter(self) -> None:
        if self.pin.hasFocus() or self.pin.text():
            self.submit()
        else:
            self.pin.setFocus()

    def submit(self) -> None:
        """Check the PIN on the worker (the hash is slow on purpose)."""
        code, pin = self.code.text(), self.pin.text()
        self.worker.run(
            lambda: self.terminal.sign_in(code=code, pin=pin),
            success=self.signed_in.emit,
            failure=self._failed,
        )

    def _failed(self, error: Exception) -> None:
        from posapp.ui.messages import error_text

        self.pin.clear()
        self.banner.show_error(error_text(error))
        self.pin.setFocus()

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.title.setText(tr("サインイン"))
        self.demo_hint.setText(tr("デモ: 担当者 1001 / 暗証番号 1234（店長 9001 / 9999）"))
        self.code_label.setText(tr("担当者コード"))
        self.pin_label.setText(tr("暗証番号"))
        self.keypad.enter_button.setText(tr("確定"))


__all__ = ["ClerkInfo", "FirstRunPage", "SignInPage"]
