"""The Terminal: one store register's use cases, callable without Qt.

``Terminal.open(data_dir)`` opens (and upgrades) the terminal's SQLite file; every other call is a
use case of the counter. The window, the tests, the benchmarks and the load simulators all drive
the product through this class.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs
from sqlalchemy import select

from posapp.domain.barcodes import InStoreLayout
from posapp.domain.pins import verify_pin
from posapp.domain.receipt import ReceiptDocument
from posapp.services import (
    aftersale,
    attention,
    catalog,
    closing,
    contacts,
    counter_settings,
    customers,
    history,
    link,
    manager,
    members,
    receipts,
)
from posapp.services import day_report as sales_reports
from posapp.services.catalog import ProductInfo
from posapp.services.closing import ClosingReport
from posapp.services.customers import CustomerInfo
from posapp.services.errors import (
    ApprovalRefused,
    ClerkLocked,
    NotConfigured,
    NotSignedIn,
    SignInFailed,
    UnknownCustomer,
)
from posapp.services.link import ServerLink
from posapp.services.receipts import CompletedSale
from posapp.services.records import audit, dead_letter_count, pending_event_count
from posapp.services.sale import SaleSession
from posapp.services.suspended import SuspendedSaleInfo
from posapp.store import Database, open_database
from posapp.store.models import Clerk, SyncState
from posapp.store.settings import TerminalSettings, load_settings, save_settings

Clock = Callable[[], datetime]
DATABASE_FILE = "terminal.db"
MAX_PIN_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MANAGER_ROLES = frozenset({"manager", "admin"})
_DEFAULT_SETTINGS = TerminalSettings()
_MISSING = object()


def default_data_dir() -> Path:
    """``$POSAPP_HOME`` if set, else the platform's per-user data directory."""
    override = os.environ.get("POSAPP_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("OmniPOS", "OmniPOS"))


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


@dataclass(frozen=True, slots=True)
class TerminalStatus:
    """What the status bar shows."""

    store_code: str
    store_name: str
    terminal_code: str
    clerk: ClerkInfo | None
    online: bool
    pending_events: int
    dead_letters: int
    last_sync: datetime | None
    last_error: str


class Terminal:
    """One store register."""

    def __init__(self, db: Database, *, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock
        self.clerk: ClerkInfo | None = None
        self.link: ServerLink | None = None
        self.in_store_layouts: dict[str, InStoreLayout] | None = None
        self.history_memory = history.HistoryMemory()
        self.printer_alert: attention.PrinterAlert | None = None
        """Set by the window's printer watch while the printer needs someone; on the attention list."""
        self.settings = self.reload_settings()

    @classmethod
    def open(cls, data_dir: Path | None = None, *, clock: Clock = system_clock) -> Terminal:
        """Open the terminal whose data lives in ``data_dir`` (created and migrated as needed)."""
        directory = data_dir or default_data_dir()
        return cls(open_database(directory / DATABASE_FILE), clock=clock)

    def close(self) -> None:
        """Stop syncing and release the database."""
        self.disconnect()
        self.db.close()

    # ---- the server -------------------------------------------------------------------------------

    def pair_with_server(
        self, *, server_url: str, pairing_code: str, device_name: str, terminal_code: str | None = None
    ) -> None:
        """Pair with the central server, keep the token in the keyring, download the store's data.

        The register number comes from the server (01, 02, … per store) unless ``terminal_code`` is given.
        """
        self.link = link.pair(
            self,
            server_url=server_url,
            pairing_code=pairing_code,
            device_name=device_name,
            terminal_code=terminal_code,
        )
        self.link.agent.sync_once()
        self.reload_settings()

    @property
    def is_paired(self) -> bool:
        """True once the terminal has a server to sync with."""
        return bool(self.settings.server_url and self.settings.device_id)

    def connect(self, *, background: bool = True) -> None:
        """Start the sync agent of a paired terminal (a no-op when not paired)."""
        if self.link is None and self.is_paired:
            self.link = link.connect(self)
        if self.link is not None and background and not self.link.agent.running:
            self.link.start()

    def disconnect(self) -> None:
        """Stop the sync agent; unsent events stay in the outbox."""
        if self.link is not None:
            self.link.stop()
            self.link = None

    def sync_now(self) -> None:
        """Ask the agent to sync at once (after a sale, or when the network is back)."""
        if self.link is not None:
            self.link.agent.wake()

    def wait_for_sync(self, timeout: float = 30.0) -> bool:
        """Wait until the outbox is empty (every sale, return, void, Z … acknowledged by the server),
        at most ``timeout`` seconds; True when it is. The running agent is woken; without one (after
        ``connect(background=False)``) the rounds run here. Refused before pairing (``NotConfigured``)."""
        import time

        from sync.client.errors import ServerRefused, ServerUnavailable

        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            with self.db.read() as session:
                if pending_event_count(session) == 0:
                    return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.link is None:
                if not self.is_paired:
                    raise NotConfigured("pair this terminal with a server first")
                self.link = link.connect(self)
            if self.link.agent.running:
                self.link.agent.wake()
                time.sleep(min(0.05, left))
                continue
            try:
                self.link.agent.sync_once()
            except (ServerUnavailable, ServerRefused):
                time.sleep(min(0.5, max(left, 0.0)))

    def customer_history(
        self, member_no: str, *, max_age: timedelta = history.HISTORY_TTL
    ) -> history.CustomerHistory:
        """A member's whole history, store and online, newest first, with this terminal's unsent sales.

        Asks the server unless it answered for this member within ``max_age`` (and nothing was sold to
        them here since); pass ``max_age=timedelta(0)`` on attach. Offline: the last history seen live
        at this terminal with its age (``as_of``), plus this terminal's own records.
        """
        self.require_clerk()
        return history.customer_history(self, self.link, member_no, max_age=max_age)

    def catalog_download(self) -> catalog.CatalogDownload | None:
        """The catalog download in progress (first download or resync), or ``None``: for a progress bar.

        The agent goes on with a download cut short (a restart) from where it stopped.
        """
        return catalog.catalog_download(self.db.lookups())

    def stock_everywhere(self, sku: str) -> link.StockView:
        """Stock of ``sku`` in this store, the other stores and the online warehouse."""
        return link.stock_everywhere(self, self.link, sku)

    # ---- configuration and time -----------------------------------------------------------------

    def reload_settings(self) -> TerminalSettings:
        """Read the settings again (after a pull changed them), with the in-store barcode layouts."""
        with self.db.read() as session:
            self.settings = load_settings(session)
            self.in_store_layouts = catalog.in_store_layouts(session)
        return self.settings

    def configure(self, **changes: object) -> TerminalSettings:
        """Set up the terminal's identity and devices (pairing, demo, tests): known keys of the declared
        type only, not audited. A manager's change goes through :meth:`change_settings`."""
        for key, value in changes.items():
            default = getattr(_DEFAULT_SETTINGS, key, _MISSING)
            if default is _MISSING:
                raise KeyError(f"unknown setting {key!r}")
            if type(value) is not type(default):
                raise TypeError(f"setting {key!r} is a {type(default).__name__}, not {type(value).__name__}")
        with self.db.write() as session:
            save_settings(session, **changes)
        return self.reload_settings()

    def change_settings(
        self, change: counter_settings.SettingsChange, *, approval: Approval | None = None
    ) -> TerminalSettings:
        """A manager's settings change (language, tax rounding, offline points cap, approval threshold,
        receipt footer): every value checked first (``InvalidSetting`` names the one refused), then
        stored with one audit row of old and new values and who approved it."""
        return counter_settings.change_settings(self, change, approval=approval)

    def now(self) -> datetime:
        """The current time in UTC from this terminal's clock."""
        return self.clock()

    def business_day(self, at: datetime | None = None) -> date:
        """The store's calendar day of ``at`` (in the store's time zone)."""
        return (at or self.now()).astimezone(ZoneInfo(self.settings.timezone)).date()

    def require_configured(self) -> TerminalSettings:
        """The settings, refusing to sell before the terminal belongs to a store."""
        if not self.settings.store_code:
            raise NotConfigured("pair this terminal with a store first")
        return self.settings

    # ---- clerks -----------------------------------------------------------------------------------

    def sign_in(self, *, code: str, pin: str) -> ClerkInfo:
        """Sign a clerk in by code and PIN, offline; five wrong PINs lock the clerk for five minutes."""
        now = self.now()
        # Failures are committed before the error is raised: a rolled-back failure would never lock.
        failure: Exception | None = None
        with self.db.write() as session:
            clerk = session.get(Clerk, code.strip())
            if clerk is None or not clerk.active:
                audit(session, now=now, clerk_code=None, action="sign_in_failed", code=code[:20])
                failure = SignInFailed("wrong clerk code or PIN")
            elif clerk.locked_until is not None and clerk.locked_until > now:
                failure = ClerkLocked("too many wrong PINs; try again later", until=clerk.locked_until)
            elif not verify_pin(pin, clerk.pin_hash):
                clerk.failed_attempts += 1
                if clerk.failed_attempts >= MAX_PIN_FAILURES:
                    clerk.locked_until = now + LOCKOUT
                    clerk.failed_attempts = 0
                audit(session, now=now, clerk_code=clerk.code, action="sign_in_failed")
                failure = SignInFailed("wrong clerk code or PIN")
            else:
                clerk.failed_attempts = 0
                clerk.locked_until = None
                audit(session, now=now, clerk_code=clerk.code, action="sign_in")
                self.clerk = ClerkInfo(clerk.code, clerk.name, clerk.role)
        if failure is not None:
            raise failure
        assert self.clerk is not None
        return self.clerk

    def sign_out(self) -> None:
        """Sign the clerk out; the terminal keeps its data."""
        self.clerk = None

    def require_clerk(self) -> ClerkInfo:
        """The signed-in clerk; raises ``NotSignedIn``."""
        if self.clerk is None:
            raise NotSignedIn("sign in first")
        return self.clerk

    def approve(self, *, code: str, pin: str, action: str) -> Approval:
        """A manager's approval for ``action`` (code + PIN), audited whether given or refused."""
        now = self.now()
        with self.db.write() as session:
            manager = session.get(Clerk, code.strip())
            ok = (
                manager is not None
                and manager.active
                and manager.role in MANAGER_ROLES
                and not (manager.locked_until is not None and manager.locked_until > now)
                and verify_pin(pin, manager.pin_hash)
            )
            clerk_code = self.clerk.code if self.clerk else None
            audit(
                session,
                now=now,
                clerk_code=clerk_code,
                action="approval" if ok else "approval_refused",
                approved_by=code if ok else None,
                for_action=action,
            )
        if not ok or manager is None:
            raise ApprovalRefused("a manager's code and PIN are needed")
        return Approval(manager.code, manager.name)

    # ---- look-ups ---------------------------------------------------------------------------------

    def search_products(self, query: str, *, limit: int = 50) -> list[ProductInfo]:
        """Type-ahead product search (Japanese partial match, kana, code prefix) with this store's stock."""
        return catalog.search_products(
            self.db.lookups(), query, limit=limit, store_code=self.settings.store_code
        )

    def find_customers(self, query: str) -> list[CustomerInfo]:
        """Members by number, phone or name (the look-up is audited: it is personal data)."""
        clerk = self.require_clerk()
        with self.db.read() as session:
            found = customers.find_customers(session, query)
        if not found and link.live_customers(self, self.link, query):
            # Not a member this store keeps offline: the server found them (and logged the look-up).
            with self.db.read() as session:
                found = customers.find_customers(session, query)
        with self.db.write() as session:
            audit(
                session, now=self.now(), clerk_code=clerk.code, action="customer_search", results=len(found)
            )
        return found

    def customer(self, member_no: str) -> CustomerInfo:
        """One member from the cache, or from the server when this store does not keep them offline."""
        try:
            with self.db.read() as session:
                return customers.get_customer(session, member_no)
        except UnknownCustomer:
            if not link.live_customers(self, self.link, member_no):
                raise
        with self.db.read() as session:
            return customers.get_customer(session, member_no)

    def register_member(
        self, *, name: str, name_kana: str = "", phone: str = "", email: str = ""
    ) -> CustomerInfo:
        """Sign a customer up as a member, offline too; the server learns of it through the outbox."""
        return members.register_member(self, name=name, name_kana=name_kana, phone=phone, email=email)

    def record_contact(
        self, *, member_no: str, kind: str, subject: str, body: str = "", receipt_no: str = ""
    ) -> contacts.ContactInfo:
        """Record a complaint, inquiry, return request or compliment, offline too (it syncs as an event)."""
        return contacts.record_contact(
            self, member_no=member_no, kind=kind, subject=subject, body=body, receipt_no=receipt_no
        )

    def customer_contacts(self, member_no: str) -> contacts.MemberContacts:
        """The member's contacts from every channel: live, else the open ones kept here."""
        return contacts.member_contacts(self, self.link, member_no)

    def add_contact_note(self, *, server_id: int | None, body: str) -> contacts.ContactInfo:
        """Add a note to a contact on the server (needs the connection)."""
        return contacts.add_note(self, self.link, server_id=server_id, body=body)

    # ---- selling ----------------------------------------------------------------------------------

    def start_sale(self) -> SaleSession:
        """A new, empty sale for the signed-in clerk."""
        self.require_clerk()
        self.require_configured()
        return SaleSession(self)

    def suspended_sales(self) -> list[SuspendedSaleInfo]:
        """Carts put aside on this terminal, oldest first."""
        return SaleSession.list_suspended(self)

    def resume_sale(self, suspended_id: str) -> SaleSession:
        """Take a suspended cart back; it is removed from the suspended list."""
        self.require_clerk()
        return SaleSession.resume(self, suspended_id)

    # ---- after the sale ---------------------------------------------------------------------------

    def void_sale(self, *, receipt_no: str, approval: Approval) -> CompletedSale:
        """Cancel a completed sale of the current period as a whole (manager approval)."""
        return aftersale.void_sale(self, receipt_no=receipt_no, approval=approval)

    def returnable_lines(self, receipt_no: str) -> list[aftersale.ReturnableLine]:
        """The lines of a sale that can still be returned, with how many."""
        return aftersale.returnable_lines(self, receipt_no)

    def return_items(
        self,
        *,
        receipt_no: str,
        quantities: dict[int, int],
        refund_kind: str = "cash",
        refund_reference: str | None = None,
        approval: Approval,
    ) -> CompletedSale:
        """Take goods back against a receipt (whole or partial); refund, restore points and stock."""
        return aftersale.return_items(
            self,
            receipt_no=receipt_no,
            quantities=quantities,
            refund_kind=refund_kind,
            refund_reference=refund_reference,
            approval=approval,
        )

    def receipt(self, receipt_no: str, *, reprint: bool = True) -> ReceiptDocument:
        """The receipt of a past sale, void or return (marked 再発行 when reprinted)."""
        return receipts.receipt_for(self, receipt_no, reprint=reprint)

    # ---- cash and closing -------------------------------------------------------------------------

    def cash_in(self, *, amount: int, reason: str) -> None:
        """Put cash into the drawer (float, change from the bank)."""
        closing.move_cash(self, direction="in", amount=amount, reason=reason, approval=None)

    def cash_out(self, *, amount: int, reason: str, approval: Approval | None = None) -> None:
        """Take cash out of the drawer (a supplier paid, a bank drop)."""
        closing.move_cash(self, direction="out", amount=amount, reason=reason, approval=approval)

    def open_drawer(self, *, approval: Approval) -> None:
        """A no-sale drawer opening: only with a manager's approval, always audited."""
        closing.record_no_sale(self, approval=approval)

    def x_report(self) -> ClosingReport:
        """点検: the current period's figures; changes nothing."""
        return closing.x_report(self)

    def z_report(
        self, *, counts: dict[int, int], next_float: int, approval: Approval, repeat: bool = False
    ) -> ClosingReport:
        """精算: count the drawer, close the period with a number, set the next opening float.

        A second Z of the same business day (or with nothing since the last) raises
        ``PeriodAlreadyClosed`` unless ``repeat=True`` says it is meant.
        """
        return closing.z_report(self, counts=counts, next_float=next_float, approval=approval, repeat=repeat)

    # ---- the manager's day ------------------------------------------------------------------------

    def receive_stock(
        self, *, sku: str, quantity: int, approval: Approval | None = None
    ) -> manager.StockChange:
        """Goods received into this store (manager), synced to the chain's stock."""
        return manager.receive_stock(self, sku=sku, quantity=quantity, approval=approval)

    def adjust_stock(
        self, *, sku: str, delta: int, reason: str, approval: Approval | None = None
    ) -> manager.StockChange:
        """A counted, damaged or lost correction (manager), audited and synced."""
        return manager.adjust_stock(self, sku=sku, delta=delta, reason=reason, approval=approval)

    def set_reorder_point(self, *, sku: str, reorder_point: int, approval: Approval | None = None) -> None:
        """The level below which a product shows on the low-stock list."""
        manager.set_reorder_point(self, sku=sku, reorder_point=reorder_point, approval=approval)

    def low_stock(self) -> list[manager.LowStockItem]:
        """This store's products at or below their reorder point."""
        return manager.low_stock(self)

    def close_day(
        self, *, counts: dict[int, int], next_float: int, approval: Approval, repeat: bool = False
    ) -> manager.DayClose:
        """The Z report, syncing waiting events first when the server answers (``repeat`` as for Z)."""
        return manager.close_day(self, counts=counts, next_float=next_float, approval=approval, repeat=repeat)

    def day_report(self, *, day: date | None = None) -> sales_reports.SalesReport:
        """Today's numbers (or ``day``'s): by hour, payment, rate, product; members, points, returns."""
        return sales_reports.day_report(self, day=day)

    def week_report(self, *, ending: date | None = None) -> sales_reports.SalesReport:
        """The same numbers for the seven days ending ``ending``."""
        return sales_reports.week_report(self, ending=ending)

    def attention_items(self) -> list[attention.AttentionItem]:
        """What needs a manager today."""
        return attention.attention_items(self)

    # ---- status -----------------------------------------------------------------------------------

    def _database_problem(self) -> str:
        result = getattr(self.db, "full_check_result", "ok")
        return "" if result in ("ok", "pending", "skipped") else f"database check failed: {result}"

    def status(self) -> TerminalStatus:
        """Online or not, events waiting, last sync: the truth the status bar tells."""
        with self.db.read() as session:
            state = session.scalar(select(SyncState).where(SyncState.id == 1))
            pending = pending_event_count(session)
            dead = dead_letter_count(session)
        last_sync = None
        if state is not None:
            times = [t for t in (state.last_push_at, state.last_pull_at) if t is not None]
            last_sync = max(times) if times else None
        return TerminalStatus(
            store_code=self.settings.store_code,
            store_name=self.settings.store_name,
            terminal_code=self.settings.terminal_code,
            clerk=self.clerk,
            online=bool(state and state.online),
            pending_events=pending,
            dead_letters=dead,
            last_sync=last_sync,
            last_error=self._database_problem() or (state.last_error if state else ""),
        )
