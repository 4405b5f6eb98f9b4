"""The Terminal: one store register's use cases, callable without Qt.

``Terminal.open(data_dir)`` opens (and upgrades) the terminal's SQLite file; every other call is a
use case of the counter. The window, the tests, the benchmarks and the load simulators all drive
the product through this class. It holds the register's state and hands the use-case modules a
narrow ``Counter`` (``posapp.services.counter``) rather than itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from posapp.config import default_data_dir
from posapp.domain.receipt import ReceiptDocument
from posapp.services import (
    aftersale,
    attention,
    catalog,
    clerks,
    closing,
    contacts,
    counter_settings,
    history,
    link,
    manager,
    members,
    receipts,
)
from posapp.services import day_report as sales_reports
from posapp.services.catalog import ProductInfo
from posapp.services.closing import ClosingReport
from posapp.services.counter import Approval, ClerkInfo, Clock, Counter, CounterState, system_clock
from posapp.services.customers import CustomerInfo
from posapp.services.link import ServerLink, StockView
from posapp.services.omni import CouponMemory
from posapp.services.receipts import CompletedSale
from posapp.services.sale import SaleSession
from posapp.services.status import StatusFeed, StatusListener, TerminalStatus, terminal_status
from posapp.services.suspended import SuspendedSaleInfo
from posapp.store import DATABASE_FILE, Database, open_database
from posapp.store.settings import TerminalSettings


class Terminal:
    """One store register."""

    def __init__(self, db: Database, *, clock: Clock = system_clock) -> None:
        self.counter = Counter(
            db=db,
            clock=clock,
            state=CounterState(settings=TerminalSettings()),
            history_memory=history.HistoryMemory(),
            coupon_memory=CouponMemory(),
            status_feed=StatusFeed(),
        )
        self.counter.reload_settings()

    @property
    def db(self) -> Database:
        """The terminal's SQLite database."""
        return self.counter.db

    @property
    def clock(self) -> Clock:
        """This terminal's clock (tests inject one)."""
        return self.counter.clock

    @property
    def settings(self) -> TerminalSettings:
        """The settings as last read."""
        return self.counter.settings

    @property
    def clerk(self) -> ClerkInfo | None:
        """The signed-in clerk, if any."""
        return self.counter.clerk

    @property
    def link(self) -> ServerLink | None:
        """The server link while connected (tests plug one in; ``None`` is the line being down)."""
        return self.counter.link

    @link.setter
    def link(self, value: ServerLink | None) -> None:
        self.counter.state.link = value

    @property
    def printer_alert(self) -> attention.PrinterAlert | None:
        """Set by the window's printer watch while the printer needs someone; on the attention list."""
        return self.counter.printer_alert

    @printer_alert.setter
    def printer_alert(self, value: attention.PrinterAlert | None) -> None:
        self.counter.state.printer_alert = value

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
        """Pair with the central server, keep the token in the keyring, download the store's data; the
        register number comes from the server (01, 02, … per store) unless ``terminal_code`` is given."""
        identity = link.pair(
            self.counter,
            server_url=server_url,
            pairing_code=pairing_code,
            device_name=device_name,
            terminal_code=terminal_code,
        )
        self.configure(**identity)
        self.link = link.connect(self.counter)
        self.link.agent.sync_once()
        self.reload_settings()

    @property
    def is_paired(self) -> bool:
        """True once the terminal has a server to sync with."""
        return self.counter.is_paired

    def connect(self, *, background: bool = True) -> None:
        """Start the sync agent of a paired terminal (a no-op when not paired)."""
        if self.link is None and self.is_paired:
            self.link = link.connect(self.counter)
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
        return link.wait_for_sync(self.counter, timeout)

    def customer_history(
        self, member_no: str, *, max_age: timedelta = history.HISTORY_TTL
    ) -> history.CustomerHistory:
        """A member's whole history, store and online, newest first, with this terminal's unsent sales.

        Asks the server unless it answered for this member within ``max_age`` (and nothing was sold to
        them here since); pass ``max_age=timedelta(0)`` on attach. Offline: the last history seen live
        at this terminal with its age (``as_of``), plus this terminal's own records.
        """
        self.require_clerk()
        return history.customer_history(self.counter, self.link, member_no, max_age=max_age)

    def catalog_download(self) -> catalog.CatalogDownload | None:
        """The catalog download in progress (first download or resync), or ``None``: for a progress bar;
        the agent goes on with one cut short (a restart) from where it stopped."""
        return catalog.catalog_download(self.db.lookups())

    def stock_everywhere(self, sku: str) -> StockView:
        """Stock of ``sku`` in this store, the other stores and the online warehouse."""
        return link.stock_everywhere(self.counter, self.link, sku)

    # ---- configuration and time -----------------------------------------------------------------

    def reload_settings(self) -> TerminalSettings:
        """Read the settings again (after a pull changed them), with the in-store barcode layouts."""
        return self.counter.reload_settings()

    def configure(self, **changes: object) -> TerminalSettings:
        """Set up the terminal's identity and devices (pairing, demo, tests): known keys of the declared
        type only, not audited. A manager's change goes through :meth:`change_settings`."""
        return counter_settings.configure(self.counter, **changes)

    def change_settings(
        self, change: counter_settings.SettingsChange, *, approval: Approval | None = None
    ) -> TerminalSettings:
        """A manager's settings change (language, tax rounding, offline points cap, approval threshold,
        receipt footer): every value checked first (``InvalidSetting`` names the one refused), then
        stored with one audit row of old and new values and who approved it."""
        return counter_settings.change_settings(self.counter, change, approval=approval)

    def now(self) -> datetime:
        """The current time in UTC from this terminal's clock."""
        return self.counter.now()

    def business_day(self, at: datetime | None = None) -> date:
        """The store's calendar day of ``at`` (in the store's time zone)."""
        return self.counter.business_day(at)

    def require_configured(self) -> TerminalSettings:
        """The settings, refusing to sell before the terminal belongs to a store."""
        return self.counter.require_configured()

    # ---- clerks -----------------------------------------------------------------------------------

    def sign_in(self, *, code: str, pin: str) -> ClerkInfo:
        """Sign a clerk in by code and PIN, offline; five wrong PINs lock the clerk for five minutes."""
        clerk = self.counter.state.clerk = clerks.sign_in(self.counter, code=code, pin=pin)
        self.counter.status_feed.publish(self.counter)
        return clerk

    def sign_out(self) -> None:
        """Sign the clerk out; the terminal keeps its data."""
        self.counter.state.clerk = None
        self.counter.status_feed.publish(self.counter)

    def require_clerk(self) -> ClerkInfo:
        """The signed-in clerk; raises ``NotSignedIn``."""
        return self.counter.require_clerk()

    def approve(self, *, code: str, pin: str, action: str) -> Approval:
        """A manager's approval for ``action`` (code + PIN), audited whether given or refused."""
        return clerks.approve(self.counter, code=code, pin=pin, action=action)

    # ---- look-ups ---------------------------------------------------------------------------------

    def search_products(self, query: str, *, limit: int = 50) -> list[ProductInfo]:
        """Type-ahead product search (Japanese partial match, kana, code prefix) with this store's stock."""
        return catalog.search_products(
            self.db.lookups(), query, limit=limit, store_code=self.settings.store_code
        )

    def find_customers(self, query: str) -> list[CustomerInfo]:
        """Members by number, phone or name (the look-up is audited: it is personal data)."""
        return members.find_members(self.counter, query)

    def customer(self, member_no: str) -> CustomerInfo:
        """One member from the cache, or from the server when this store does not keep them offline."""
        return members.member_info(self.counter, member_no)

    def register_member(
        self, *, name: str, name_kana: str = "", phone: str = "", email: str = ""
    ) -> CustomerInfo:
        """Sign a customer up as a member, offline too; the server learns of it through the outbox."""
        return members.register_member(self.counter, name=name, name_kana=name_kana, phone=phone, email=email)

    def record_contact(
        self, *, member_no: str, kind: str, subject: str, body: str = "", receipt_no: str = ""
    ) -> contacts.ContactInfo:
        """Record a complaint, inquiry, return request or compliment, offline too (it syncs as an event)."""
        return contacts.record_contact(
            self.counter, member_no=member_no, kind=kind, subject=subject, body=body, receipt_no=receipt_no
        )

    def customer_contacts(self, member_no: str) -> contacts.MemberContacts:
        """The member's contacts from every channel: live, else the open ones kept here."""
        return contacts.member_contacts(self.counter, self.link, member_no)

    def add_contact_note(self, *, server_id: int | None, body: str) -> contacts.ContactInfo:
        """Add a note to a contact on the server (needs the connection)."""
        return contacts.add_note(self.counter, self.link, server_id=server_id, body=body)

    # ---- selling ----------------------------------------------------------------------------------

    def start_sale(self) -> SaleSession:
        """A new, empty sale for the signed-in clerk."""
        self.require_clerk()
        self.require_configured()
        return SaleSession(self.counter)

    def suspended_sales(self) -> list[SuspendedSaleInfo]:
        """Carts put aside on this terminal, oldest first."""
        return SaleSession.list_suspended(self.counter)

    def resume_sale(self, suspended_id: str) -> SaleSession:
        """Take a suspended cart back; it is removed from the suspended list."""
        self.require_clerk()
        return SaleSession.resume(self.counter, suspended_id)

    # ---- after the sale ---------------------------------------------------------------------------

    def void_sale(self, *, receipt_no: str, approval: Approval) -> CompletedSale:
        """Cancel a completed sale of the current period as a whole (manager approval)."""
        return aftersale.void_sale(self.counter, receipt_no=receipt_no, approval=approval)

    def returnable_lines(self, receipt_no: str) -> list[aftersale.ReturnableLine]:
        """The lines of a sale that can still be returned, with how many."""
        return aftersale.returnable_lines(self.counter, receipt_no)

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
            self.counter,
            receipt_no=receipt_no,
            quantities=quantities,
            refund_kind=refund_kind,
            refund_reference=refund_reference,
            approval=approval,
        )

    def receipt(self, receipt_no: str, *, reprint: bool = True) -> ReceiptDocument:
        """The receipt of a past sale, void or return (marked 再発行 when reprinted)."""
        return receipts.receipt_for(self.counter, receipt_no, reprint=reprint)

    # ---- cash and closing -------------------------------------------------------------------------

    def cash_in(self, *, amount: int, reason: str) -> None:
        """Put cash into the drawer (float, change from the bank)."""
        closing.move_cash(self.counter, direction="in", amount=amount, reason=reason, approval=None)

    def cash_out(self, *, amount: int, reason: str, approval: Approval | None = None) -> None:
        """Take cash out of the drawer (a supplier paid, a bank drop)."""
        closing.move_cash(self.counter, direction="out", amount=amount, reason=reason, approval=approval)

    def open_drawer(self, *, approval: Approval) -> None:
        """A no-sale drawer opening: only with a manager's approval, always audited."""
        closing.record_no_sale(self.counter, approval=approval)

    def x_report(self) -> ClosingReport:
        """点検: the current period's figures; changes nothing."""
        return closing.x_report(self.counter)

    def z_report(
        self, *, counts: dict[int, int], next_float: int, approval: Approval, repeat: bool = False
    ) -> ClosingReport:
        """精算: count the drawer, close the period with a number, set the next opening float.

        A second Z of the same business day (or with nothing since the last) raises
        ``PeriodAlreadyClosed`` unless ``repeat=True`` says it is meant.
        """
        return closing.z_report(
            self.counter, counts=counts, next_float=next_float, approval=approval, repeat=repeat
        )

    # ---- the manager's day ------------------------------------------------------------------------

    def receive_stock(
        self, *, sku: str, quantity: int, approval: Approval | None = None
    ) -> manager.StockChange:
        """Goods received into this store (manager), synced to the chain's stock."""
        return manager.receive_stock(self.counter, sku=sku, quantity=quantity, approval=approval)

    def adjust_stock(
        self, *, sku: str, delta: int, reason: str, approval: Approval | None = None
    ) -> manager.StockChange:
        """A counted, damaged or lost correction (manager), audited and synced."""
        return manager.adjust_stock(self.counter, sku=sku, delta=delta, reason=reason, approval=approval)

    def set_reorder_point(self, *, sku: str, reorder_point: int, approval: Approval | None = None) -> None:
        """The level below which a product shows on the low-stock list."""
        manager.set_reorder_point(self.counter, sku=sku, reorder_point=reorder_point, approval=approval)

    def low_stock(self) -> list[manager.LowStockItem]:
        """This store's products at or below their reorder point."""
        return manager.low_stock(self.counter)

    def close_day(
        self, *, counts: dict[int, int], next_float: int, approval: Approval, repeat: bool = False
    ) -> manager.DayClose:
        """The Z report, syncing waiting events first when the server answers (``repeat`` as for Z)."""
        return manager.close_day(
            self.counter, counts=counts, next_float=next_float, approval=approval, repeat=repeat
        )

    def day_report(self, *, day: date | None = None) -> sales_reports.SalesReport:
        """Today's numbers (or ``day``'s): by hour, payment, rate, product; members, points, returns."""
        return sales_reports.day_report(self.counter, day=day)

    def week_report(self, *, ending: date | None = None) -> sales_reports.SalesReport:
        """The same numbers for the seven days ending ``ending``."""
        return sales_reports.week_report(self.counter, ending=ending)

    def attention_items(self) -> list[attention.AttentionItem]:
        """What needs a manager today."""
        return attention.attention_items(self.counter)

    # ---- status -----------------------------------------------------------------------------------

    def status(self) -> TerminalStatus:
        """Online or not, events waiting, last sync: the truth the status bar tells."""
        return terminal_status(self.counter)

    def on_status(self, listener: StatusListener) -> Callable[[], None]:
        """``listener(status)`` on each status change, on the thread that made it; returns its stop."""
        return self.counter.status_feed.subscribe(listener)
