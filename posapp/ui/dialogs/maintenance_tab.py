"""The manager's maintenance tab: the version, "export diagnostics" for support, a backup, a reset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from posapp.services import Approval, Terminal
from posapp.services.backup import backup_database
from posapp.services.diagnostics import export_diagnostics
from posapp.services.reset import request_reset
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.version import software_version

Runner = Callable[[Callable[[], Any], Callable[[Any], None]], None]


def support_folder(terminal: Terminal) -> Path:
    """Where diagnostics and backups made at the counter go: ``support`` beside the database."""
    return terminal.db.path.parent / "support"


class MaintenanceTab(QWidget):
    """Buttons that write a file and say where it is."""

    def __init__(
        self, terminal: Terminal, run: Runner, approval: Approval, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.terminal = terminal
        self.approval = approval
        self.run = run
        self.diagnostics_button = touch_button(tr("診断情報を書き出す"), focus=True)
        self.diagnostics_button.clicked.connect(self.export_diagnostics)
        self.backup_button = touch_button(tr("データベースをバックアップ"), focus=True)
        self.backup_button.clicked.connect(self.back_up)
        self.reset_button = touch_button(tr("このレジをリセット…"), focus=True)
        self.reset_button.clicked.connect(self.reset)
        self._reset_armed = False
        self.result = QLabel()
        self.result.setObjectName("maintenanceResult")
        self.result.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(tr("バージョン"), QLabel(f"OmniPOS {software_version()}"))
        form.addRow(tr("サポート用"), self.diagnostics_button)
        form.addRow(tr("バックアップ"), self.backup_button)
        form.addRow(tr("リセット"), self.reset_button)
        form.addRow("", self.result)

    def export_diagnostics(self) -> None:
        """Zip logs, versions, settings without secrets and the sync counts (on the worker)."""
        folder = support_folder(self.terminal)
        self.run(lambda: export_diagnostics(self.terminal.counter, folder), self._written)

    def back_up(self) -> None:
        """A consistent copy of the database while the counter keeps selling (``VACUUM INTO``)."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = support_folder(self.terminal) / f"terminal-backup-{stamp}.db"
        self.run(lambda: backup_database(self.terminal.db.path.parent, target), self._written)

    def reset(self) -> None:
        """First press: say what will happen; second press: record the manager's reset request."""
        if not self._reset_armed:
            self._reset_armed = True
            self.result.setText(
                tr("もう一度押すと、次の起動時にこのレジのデータを別フォルダーに移して初期画面から始めます。")
            )
            return
        self._reset_armed = False
        self.run(lambda: request_reset(self.terminal.counter, self.approval), self._reset_requested)

    def _reset_requested(self, _request: Path) -> None:
        self.result.setText(tr("リセットを受け付けました。アプリを終了して起動し直してください。"))

    def _written(self, path: Path) -> None:
        self.result.setText(tr("保存しました: ") + str(path))
