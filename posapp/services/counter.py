"""What a use case may use of the register: the ``Counter`` the ``Terminal`` builds and hands down.

``Terminal`` is the public facade; the use-case modules of ``posapp.services`` receive this narrow
context instead of the facade, so none of them imports ``Terminal`` back. The ``Counter`` itself never
changes (database, clock, memories); what changes while the register runs (settings read again after a
pull, the clerk who signs in, the server link) lives in its ``CounterState``, which only the
``Terminal`` and ``reload_settings`` set: a sale in progress sees the link go down the moment it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from posapp.services.catalog import in_store_layouts
from posapp.services.errors import NotConfigured, NotSignedIn
from posapp.store.settings import load_settings

if TYPE_CHECKING:
    from posapp.domain.barcodes import InStoreLayout
    from posapp.services.attention import PrinterAlert
    from posapp.services.history import HistoryMemory
    from posapp.services.link import ServerLink
    from posapp.services.omni import CouponMemory
    from posapp.services.status import StatusFeed
    from posapp.store import Database
    from posapp.store.settings import TerminalSettings

Clock = Callable[[], datetime]
MANAGER_ROLES = frozenset({"manager", "admin"})


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ClerkInfo:
    """The signed-in clerk."""

    code: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        """Managers approve voids, returns, overrides and big discounts."""
        return self.role in MANAGER_ROLES


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager's approval, given by code and PIN at the moment it was needed."""

    manager_code: str
    manager_name: str


@dataclass(slots=True)
class CounterState:
    """What changes while the register runs; the ``Terminal`` sets it, use cases read it."""

    settings: TerminalSettings
    in_store_layouts: dict[str, InStoreLayout] | None = None
    clerk: ClerkInfo | None = None
    link: ServerLink | None = None
    printer_alert: PrinterAlert | None = None
    """Set by the window's printer watch while the printer needs someone; on the attention list."""


@dataclass(frozen=True, slots=True)
class Counter:
    """The narrow context of every use case: database, clock, settings, clerk, server link, memories."""

    db: Database
    clock: Clock
    state: CounterState
    history_memory: HistoryMemory
    coupon_memory: CouponMemory
    status_feed: StatusFeed
    """Who listens to the status (the window's header); told after every recorded fact."""

    @property
    def settings(self) -> TerminalSettings:
        """The settings as last read (``Terminal.reload_settings`` reads them again)."""
        return self.state.settings

    @property
    def clerk(self) -> ClerkInfo | None:
        """The signed-in clerk, if any."""
        return self.state.clerk

    @property
    def link(self) -> ServerLink | None:
        """The server link of a connected terminal, ``None`` when not connected."""
        return self.state.link

    @property
    def in_store_layouts(self) -> dict[str, InStoreLayout] | None:
        """The store's in-store barcode layouts, read with the settings."""
        return self.state.in_store_layouts

    @property
    def printer_alert(self) -> PrinterAlert | None:
        """What the printer needs while it needs someone (set by the window's printer watch)."""
        return self.state.printer_alert

    @property
    def is_paired(self) -> bool:
        """True once the terminal has a server to sync with."""
        return bool(self.settings.server_url and self.settings.device_id)

    @property
    def data_dir(self) -> Path:
        """The folder of the terminal's database (its keyring file and reset request live there too)."""
        return Path(self.db.path).parent

    def reload_settings(self) -> TerminalSettings:
        """Read the settings again (after a pull or a manager changed them), with the in-store barcode layouts."""
        with self.db.read() as session:
            self.state.settings = load_settings(session)
            self.state.in_store_layouts = in_store_layouts(session)
        return self.state.settings

    def now(self) -> datetime:
        """The current time in UTC from this terminal's clock."""
        return self.clock()

    def business_day(self, at: datetime | None = None) -> date:
        """The store's calendar day of ``at`` (in the store's time zone)."""
        return (at or self.now()).astimezone(ZoneInfo(self.settings.timezone)).date()

    def require_clerk(self) -> ClerkInfo:
        """The signed-in clerk; raises ``NotSignedIn``."""
        clerk = self.state.clerk
        if clerk is None:
            raise NotSignedIn("sign in first")
        return clerk

    def require_configured(self) -> TerminalSettings:
        """The settings, refusing to sell before the terminal belongs to a store."""
        if not self.settings.store_code:
            raise NotConfigured("pair this terminal with a store first")
        return self.settings

    def wake(self) -> None:
        """A fact was recorded: ask the sync agent to send it at once, and tell the status listeners
        (one more event waits)."""
        link = self.state.link
        if link is not None:
            link.agent.wake()
        self.status_feed.publish(self)
