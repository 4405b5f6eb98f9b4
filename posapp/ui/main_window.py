"""The window: first run → sign-in → sale, with the status pushed by the core (``StatusEvents``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from posapp.devices.status import PrinterStatus
from posapp.domain.progress import RateMeter
from posapp.services import ClerkInfo, Terminal, TerminalStatus
from posapp.services.attention import PrinterAlert
from posapp.services.devices import DeviceSetup, load_setup
from posapp.ui.i18n import set_language, tr
from posapp.ui.messages import error_text
from posapp.ui.pages import FirstRunPage, SignInPage
from posapp.ui.preferences import UiPreferences, save_preferences
from posapp.ui.printer_watch import PrinterWatch
from posapp.ui.sale_view import SalePage
from posapp.ui.widgets import Retranslating
from posapp.ui.worker import DbWorker, Lane, StatusEvents
from posapp.version import software_version

PairFunction = Callable[[Terminal, str, str], None]
DemoFunction = Callable[[Terminal], None]
if TYPE_CHECKING:
    from posapp.ui.customer_display import CustomerDisplay
STATUS_POLL_MS = 30_000
"""A slow safety refresh beside the core's status events: the database's background integrity check
(``last_error``) finishes without an event, and a missed one must not leave the header wrong for long."""
DOWNLOAD_POLL_MS = 500


class MainWindow(Retranslating, QMainWindow):
    """One window per terminal; every screen is a page of the stack."""

    def __init__(
        self,
        terminal: Terminal,
        *,
        data_dir: Path,
        pair: PairFunction | None = None,
        demo: DemoFunction | None = None,
        server_url: str = "",
        demo_hint: bool = False,
        poll_ms: int = STATUS_POLL_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.terminal = terminal
        self.data_dir = data_dir
        self.pair_function = pair
        self.demo_function = demo
        self.worker = DbWorker(self)
        self.worker.failed.connect(self.background_failed)
        self._build_pages(server_url, demo=demo, demo_hint=demo_hint)
        self.printer_watch = PrinterWatch(parent=self)
        self.printer_watch.changed.connect(self._printer_changed)
        self.customer_display: CustomerDisplay | None = None
        self.stack = QStackedWidget()
        for page in (self.first_run, self.sign_in, self.sale):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self.setMinimumSize(1024, 720)
        self.status_events = StatusEvents(terminal, self)
        self.status_events.changed.connect(self.sale.header.show_status)
        self._status_in_flight = False
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(poll_ms)
        self.status_timer.timeout.connect(self.poll_status)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1_000)
        self.clock_timer.timeout.connect(lambda: self.sale.header.tick(self.terminal.now()))
        # The first catalog download's progress, read on the GUI thread (one indexed read) because the
        # worker is busy with the pairing that downloads it.
        self.download_timer = QTimer(self)
        self.download_timer.setInterval(DOWNLOAD_POLL_MS)
        self.download_timer.timeout.connect(self.poll_download)
        self.download_meter = RateMeter()
        self._download_resumed = False
        self.retranslate()
        self._open_first_page()

    def _build_pages(self, server_url: str, *, demo: DemoFunction | None, demo_hint: bool) -> None:
        """First run (pairing), sign-in and the sale page, each wired to the window."""
        self.first_run = FirstRunPage(server_url)
        self.first_run.pair_requested.connect(self.pair)
        self.first_run.demo_requested.connect(self.open_demo)
        # Demo data only when the terminal was started for a demo (posapp --demo): a production
        # terminal must never become demo store S001 by one touch on its first screen.
        self.first_run.demo_button.setVisible(demo is not None)
        self.sign_in = SignInPage(self.terminal, self.worker, demo=demo_hint)
        self.sign_in.signed_in.connect(self.signed_in)
        self.sale = SalePage(self.terminal, self.worker)
        self.sale.sign_out_requested.connect(self.sign_out)
        self.sale.language_requested.connect(self.change_language)
        self.sale.devices_changed.connect(self.apply_devices)

    def _open_first_page(self) -> None:
        """Sign-in once paired; the first-run page before, or while a first download goes on."""
        terminal = self.terminal
        if terminal.settings.store_code and terminal.catalog_download() is not None:
            # A first download cut short (the terminal was closed or killed): the agent started by
            # ``connect_in_background`` goes on from where it stopped; the counter opens when it is in.
            self._download_resumed = True
            self.stack.setCurrentWidget(self.first_run)
            self.watch_download()
        elif terminal.settings.store_code:
            self.show_sign_in()
        else:
            self.stack.setCurrentWidget(self.first_run)

    def retranslate(self) -> None:
        """The title in the current language."""
        self.setWindowTitle(tr("OmniPOS レジ") + f" {software_version()}")

    # ---- pages ----------------------------------------------------------------------------------

    def show_sign_in(self) -> None:
        """Ask for a clerk."""
        self.sign_in.reset()
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.code.setFocus()

    def signed_in(self, clerk: ClerkInfo) -> None:  # noqa: ARG002 - slot of SignInPage.signed_in(clerk)
        """Open the sale screen for ``clerk``."""
        self.stack.setCurrentWidget(self.sale)
        self.sale.begin()
        self.sale.header.tick(self.terminal.now())
        self.status_timer.start()
        self.clock_timer.start()
        self.poll_status()
        terminal = self.terminal
        self.worker.run(lambda: load_setup(terminal.counter), success=self.apply_devices)

    def sign_out(self) -> None:
        """Back to the sign-in page."""
        self.status_timer.stop()
        self.clock_timer.stop()
        self.terminal.sign_out()
        if self.customer_display is not None:
            self.customer_display.show_idle()
        self.show_sign_in()

    def pair(self, url: str, code: str) -> None:
        """Trade the pairing code for this terminal's identity (on the worker: it is network work)."""
        pair = self.pair_function
        if pair is None:
            self.first_run.banner.show_error(tr("このビルドではペアリングできません。デモで開いてください。"))
            return
        self.worker.run(
            lambda: pair(self.terminal, url, code), success=self._configured, failure=self._pair_failed
        )
        self.watch_download()

    def watch_download(self) -> None:
        """Show the catalog download's progress on the first-run page while it runs."""
        self.download_meter = RateMeter()
        self.download_timer.start()
        self.poll_download()

    def poll_download(self) -> None:
        """Rows / total and time left; the sign-in page once the download is in (when nothing else
        is pairing: the pairing's own success opens it then)."""
        download = self.terminal.catalog_download()
        if download is None:
            if (
                self.worker.idle
                and self.stack.currentWidget() is self.first_run
                and self.terminal.settings.store_code
            ):
                self.download_timer.stop()
                self.show_sign_in()
            return
        self.download_meter.add(time.monotonic(), download.rows_done)
        self.first_run.show_download(
            download.rows_done,
            download.rows_total,
            self.download_meter.seconds_left(download.rows_total),
            resumed=self._download_resumed,
        )

    def open_demo(self) -> None:
        """Fill the terminal with demo data and sign in as a demo clerk."""
        demo = self.demo_function
        if demo is not None:
            self.worker.run(lambda: demo(self.terminal), success=self._configured, failure=self._pair_failed)

    def _configured(self, _result: object) -> None:
        self.download_timer.stop()
        self.terminal.reload_settings()
        self.connect_in_background()
        self.show_sign_in()

    def connect_in_background(self) -> None:
        """A paired terminal starts syncing; on the worker, since the keyring and the HTTP stack are slow
        to load and the counter must never wait for them (the status header shows when it is online)."""
        self.worker.run(self.terminal.connect, success=lambda _none: None, lane=Lane.IO)

    def _pair_failed(self, error: Exception) -> None:
        self.terminal.reload_settings()
        if self.terminal.is_paired and self.terminal.catalog_download() is not None:
            # Paired, and the download was cut short (the line dropped): the agent goes on with it.
            self._download_resumed = True
            self.connect_in_background()
            return
        self.download_timer.stop()
        self.first_run.banner.show_error(error_text(error))

    def background_failed(self, error: Exception) -> None:
        """A background job with no handler of its own failed: the cashier is told, not only the log."""
        page = self.stack.currentWidget()
        if page is self.sale:
            self.sale.show_error(error)
        elif page is self.first_run:
            self.first_run.banner.show_error(error_text(error))
        else:
            self.sign_in.banner.show_error(error_text(error))

    # ---- status and language --------------------------------------------------------------------

    def poll_status(self) -> None:
        """Ask for the status on the worker, one request at a time."""
        if self._status_in_flight:
            return
        self._status_in_flight = True
        self.worker.run(self.terminal.status, success=self._show_status, failure=self._status_failed)

    def _show_status(self, status: TerminalStatus) -> None:
        self._status_in_flight = False
        self.sale.header.show_status(status)

    def _status_failed(self, _error: Exception) -> None:
        self._status_in_flight = False

    # ---- counter devices ------------------------------------------------------------------------

    def apply_devices(self, setup: DeviceSetup) -> None:
        """Follow the stored device setup: watch the printer, open or close the customer displays."""
        self.printer_watch.apply(setup.printer, timeout=self.terminal.settings.printer_status_timeout_seconds)
        display = setup.display
        if self.customer_display is None and not (display.window or display.line):
            return
        if self.customer_display is None:
            # Loaded only when a display is set up: most registers without one never pay for it.
            from posapp.ui.customer_display import CustomerDisplay

            self.customer_display = CustomerDisplay(self)
            self.sale.cart_changed.connect(self.customer_display.show)
        self.customer_display.apply(display, self.terminal.settings.store_name)

    def _printer_changed(self, status: PrinterStatus | None) -> None:
        self.sale.header.show_printer(status)
        if status is None or not status.state.needs_attention:
            self.terminal.printer_alert = None
            return
        alert = self.terminal.printer_alert
        if alert is None or alert.state != status.state.value:
            self.terminal.printer_alert = PrinterAlert(self.terminal.now(), status.state.value, status.detail)

    def change_language(self, language: str) -> None:
        """Switch the language now (every page re-labels itself) and remember it."""
        set_language(language)
        save_preferences(self.data_dir, UiPreferences(language=language))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the timers and let the worker finish what it is writing."""
        self.download_timer.stop()
        self.status_timer.stop()
        self.status_events.close()
        self.clock_timer.stop()
        self.printer_watch.shutdown()
        if self.customer_display is not None:
            self.customer_display.close()
        self.worker.shutdown()
        super().closeEvent(event)
