"""The customer display part of the device setup: the second screen's window and a 2×20 pole display."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from posapp.devices.setup import DisplaySetup
from posapp.ui.i18n import tr


def screen_names() -> list[str]:
    """One label per connected screen, in the system's order (0 is usually the cashier's)."""
    return [
        f"{screen.name()} {screen.geometry().width()}×{screen.geometry().height()}"
        for screen in QGuiApplication.screens()
    ]


class DisplayPage(QWidget):
    """The customer display form; ``setup()`` reads it back validated."""

    def __init__(self, setup: DisplaySetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_on = QCheckBox(tr("客面表示ウィンドウを出す"))
        self.window_on.setChecked(setup.window)
        self.screen_choice = QComboBox()
        names = screen_names()
        for index, name in enumerate(names):
            self.screen_choice.addItem(tr("画面") + f" {index + 1}: {name}", index)
        if setup.screen >= len(names):  # chosen before, unplugged now: keep the choice visible
            self.screen_choice.addItem(
                tr("画面") + f" {setup.screen + 1}: " + tr("(接続されていません)"), setup.screen
            )
        self.screen_choice.setCurrentIndex(max(self.screen_choice.findData(setup.screen), 0))
        self.screen_note = QLabel(
            "" if len(names) > 1 else tr("画面が1台しかありません。2台目をつなぐと、ここで選べます。")
        )
        self.screen_note.setWordWrap(True)
        self.line = QLineEdit(setup.line)
        self.line.setPlaceholderText("serial:/dev/ttyUSB1?baud=9600  /  tcp://192.168.1.60:9100")
        self.line_kanji = QCheckBox(tr("漢字を表示できる機種(日本向けモデル)"))
        self.line_kanji.setChecked(setup.line_kanji)
        self.message = QLineEdit(setup.message)
        self.message.setMaxLength(40)
        form = QFormLayout(self)
        form.addRow("", self.window_on)
        form.addRow(tr("表示する画面"), self.screen_choice)
        form.addRow("", self.screen_note)
        form.addRow(tr("ポールディスプレイ(2行×20桁)"), self.line)
        form.addRow("", self.line_kanji)
        form.addRow(tr("待機中のメッセージ"), self.message)
        self.fields: dict[str, QWidget] = {
            "screen": self.screen_choice,
            "line": self.line,
            "message": self.message,
        }

    def setup(self) -> DisplaySetup:
        """The form as a validated ``DisplaySetup``."""
        return DisplaySetup(
            window=self.window_on.isChecked(),
            screen=int(self.screen_choice.currentData() or 0),
            line=self.line.text().strip(),
            line_kanji=self.line_kanji.isChecked(),
            message=self.message.text().strip(),
        ).validate()
