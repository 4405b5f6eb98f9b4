"""Small shared widgets: the message banner, the keypad, and the re-labelling mixin."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from posapp.ui.i18n import is_language_change, tr

TOUCH_HEIGHT = 48
"""Buttons at least this tall work on a touch screen (44 px is the floor)."""


class Retranslating:
    """Calls ``retranslate()`` whenever the application language changes."""

    def retranslate(self) -> None:
        """Set every visible text again (override)."""

    def changeEvent(self, event: QEvent) -> None:
        """Re-label on ``LanguageChange``."""
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


def touch_button(text: str = "", *, name: str = "", focus: bool = False) -> QPushButton:
    """A button big enough for a finger; by default it never takes focus from the scan line."""
    button = QPushButton(text)
    button.setMinimumHeight(TOUCH_HEIGHT)
    if name:
        button.setObjectName(name)
    if not focus:
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class Banner(QFrame):
    """A message across the window: errors in amber with ⚠ and a beep, information in blue with ℹ."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.icon = QLabel()
        self.icon.setObjectName("bannerIcon")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("bannerText")
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.hide()

    @property
    def message(self) -> str:
        """What the banner says now ("" when hidden)."""
        return self.text.text() if self.isVisible() or not self.isHidden() else ""

    def show_error(self, message: str) -> None:
        """Show ``message`` as an error, with a sound."""
        self._show("error", "⚠", message)
        QApplication.beep()

    def show_info(self, message: str) -> None:
        """Show ``message`` as information."""
        self._show("info", "ℹ", message)

    def _show(self, kind: str, icon: str, message: str) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.icon.setText(icon)
        self.text.setText(message)
        self.show()

    def clear(self) -> None:
        """Hide the banner."""
        self.text.clear()
        self.hide()


class Keypad(QWidget):
    """Digits, 00, clear and back-space feeding a line edit (for touch screens)."""

    entered = Signal()

    def __init__(self, target: QLineEdit, *, with_enter: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00", "←"]
        for i, key in enumerate(keys):
            button = touch_button(key, name="keypadKey")
            button.setMinimumWidth(64)
            button.clicked.connect(self._key_handler(key))
            grid.addWidget(button, i // 3, i % 3)
        self.clear_button = touch_button("C", name="keypadKey")
        self.clear_button.clicked.connect(lambda: self._focused_or_target().clear())
        grid.addWidget(self.clear_button, 4, 0)
        if with_enter:
            self.enter_button = touch_button(tr("確定"), name="primary")
            self.enter_button.clicked.connect(self.entered.emit)
            grid.addWidget(self.enter_button, 4, 1, 1, 2)

    def _focused_or_target(self) -> QLineEdit:
        focused = QApplication.focusWidget()
        return (
            focused if isinstance(focused, QLineEdit) and focused.window() is self.window() else self.target
        )

    def _key_handler(self, key: str) -> Callable[[], None]:
        def press() -> None:
            # The keys take no focus, so the line edit the clerk was in still has it.
            target = self._focused_or_target()
            if key == "←":
                target.backspace()
            else:
                target.insert(key)
            target.setFocus()

        return press


def caption(text: str = "", *, name: str = "caption") -> QLabel:
    """A small grey label above a value."""
    label = QLabel(text)
    label.setObjectName(name)
    return label
