"""The terminal's link to the central server: pairing, the sync agent, and live look-ups with a cache fallback.

Live look-ups (stock in other stores; a customer's history is in ``posapp.services.history``) ask the server with a short
timeout; when it does not answer they fall back to what this terminal has cached, labelled with
its age, so the counter never waits on the network.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from posapp.config import plain_file_keyring
from posapp.domain.errors import DomainError
from posapp.services.errors import NotConfigured
from posapp.services.history import CustomerHistory as CustomerHistory
from posapp.services.records import pending_event_count
from posapp.store.models import StockLevel, SyncState
from sync.client.errors import ServerRefused, ServerUnavailable, check_server_url
from sync.protocol.live import StockLevels

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from posapp.services.counter import Counter
    from sync.client.agent import SyncAgent
    from sync.client.http import SyncClient


class PairingFailed(DomainError):
    """The server could not be reached, or refused the pairing code."""

    message_key = "error.pairing.unavailable"


@dataclass(frozen=True, slots=True)
class StockAt:
    """Stock of a SKU at one location."""

    location: str
    quantity: int
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class StockView:
    """Stock everywhere; ``live`` is False when it comes from the cache (``as_of`` says how old)."""

    sku: str
    levels: tuple[StockAt, ...]
    as_of: datetime | None
    live: bool


class ServerLink:
    """A paired terminal's client and sync agent."""

    def __init__(self, client: SyncClient, agent: SyncAgent) -> None:
        self.client = client
        self.agent = agent

    def start(self) -> None:
        """Start syncing in the background."""
        self.agent.start()

    def stop(self) -> None:
        """Stop syncing (the outbox keeps what is unsent)."""
        self.agent.stop()
        self.client.close()


def pair(
    counter: Counter,
    *,
    server_url: str,
    pairing_code: str,
    device_name: str,
    terminal_code: str | None = None,
) -> dict[str, str]:
    """Trade a pairing code for a device token (kept in the keyring); the settings the pairing gives
    this terminal (server, device, store, register number), for ``Terminal.configure``.

    The register number is the server's (01, 02, … per store) unless ``terminal_code`` is given. The
    keyring is checked before the one-use code is spent: a code redeemed by a terminal that cannot keep
    the token would leave an orphan device on the server and the store without a code.
    """
    from sync.client import credentials
    from sync.client.http import SyncClient  # the HTTP stack loads when the link is first made

    url = check_server_url(server_url)
    plain_file = plain_file_keyring()
    credentials.require_keyring(counter.data_dir, plain_file=plain_file)
    client = SyncClient(url)
    try:
        pairing = client.pair(pairing_code=pairing_code.strip(), device_name=device_name)
    except (ServerUnavailable, ServerRefused) as error:
        raise PairingFailed(f"pairing failed: {error}", value=url) from error
    finally:
        client.close()
    credentials.save_token(
        server_url=url,
        device_id=pairing.device_id,
        token=pairing.token,
        data_dir=counter.data_dir,
        plain_file=plain_file,
    )
    _forget_previous_token(counter, now_paired=(url, pairing.device_id), plain_file=plain_file)
    return {
        "server_url": url,
        "device_id": pairing.device_id,
        "store_code": pairing.store_code,
        "terminal_code": (terminal_code or "").strip() or pairing.terminal_code,
    }


def _forget_previous_token(counter: Counter, *, now_paired: tuple[str, str], plain_file: bool) -> None:
    """Delete the token of the pairing this one replaces: a device token nobody will use again must not
    stay in the keyring (it still opens the server until HQ revokes that device). Never fails the pairing."""
    from sync.client import credentials

    previous = (counter.settings.server_url or "", counter.settings.device_id or "")
    if not all(previous) or previous == now_paired:
        return
    try:
        credentials.delete_token(
            server_url=previous[0], device_id=previous[1], data_dir=counter.data_dir, plain_file=plain_file
        )
    except Exception as error:  # noqa: BLE001 - any keyring failure is logged; the new pairing stands
        logger.warning(
            "pairing: the previous device token (%s) could not be deleted from the keyring (%s); revoke it at HQ",
            previous[1], type(error).__name__,
        )  # fmt: skip


def connect(counter: Counter) -> ServerLink:
    """The link of an already paired terminal (token from the keyring)."""
    from sync.client import credentials
    from sync.client.agent import SyncAgent
    from sync.client.http import SyncClient

    settings = counter.settings
    if not settings.server_url or not settings.device_id:
        raise NotConfigured("pair this terminal with a server first")
    token = credentials.load_token(
        server_url=settings.server_url,
        device_id=settings.device_id,
        data_dir=counter.data_dir,
        plain_file=plain_file_keyring(),
    )
    if token is None:
        raise NotConfigured("the device token is missing from the keyring; pair again")
    client = SyncClient(settings.server_url, token)
    agent = SyncAgent(
        counter.db,
        client,
        store_code=settings.store_code,
        terminal_code=settings.terminal_code,
        clock=counter.clock,
        on_round=lambda: counter.status_feed.publish(counter),
    )
    return ServerLink(client, agent)


def live_customers(counter: Counter, link: ServerLink | None, query: str) -> list[str]:
    """Ask the server for members matching ``query`` (the server logs the look-up against this device)
    and keep them in the cache; their member numbers, or none when offline.

    A store's feed carries only the members it serves (home store, or shopped there lately); a
    member from another store is found this way, at the counter, when they are in front of the clerk.
    """
    from posapp.store.cache import remember_customer

    if link is None or not query.strip():
        return []
    try:
        rows = link.client.get_json(
            "/v1/customers", timeout=counter.settings.lookup_timeout_seconds, params={"q": query.strip()}
        )
    except (ServerUnavailable, ServerRefused):
        return []
    with counter.db.write() as session:
        for row in rows:
            remember_customer(session, row)
    return [str(row["member_no"]) for row in rows]


def stock_everywhere(counter: Counter, link: ServerLink | None, sku: str) -> StockView:
    """Stock of ``sku`` in every store and the online warehouse: live, or cached and labelled."""
    if link is not None:
        try:
            data = StockLevels.model_validate(
                link.client.get_json(f"/v1/stock/{sku}", timeout=counter.settings.lookup_timeout_seconds)
            )
            levels = tuple(StockAt(level.location, level.quantity, level.updated_at) for level in data.levels)
            return StockView(sku, levels, counter.now(), live=True)
        except (ServerUnavailable, ServerRefused):
            pass
    with counter.db.read() as session:
        rows = session.scalars(select(StockLevel).where(StockLevel.sku == sku).order_by(StockLevel.location))
        levels = tuple(StockAt(row.location, row.quantity, row.updated_at) for row in rows)
        as_of = session.scalar(select(SyncState.last_pull_at).where(SyncState.id == 1))
    return StockView(sku, levels, as_of, live=False)


def wait_for_sync(counter: Counter, timeout: float) -> bool:
    """Wait until the outbox is empty, at most ``timeout`` seconds; True when it is. The running agent
    is woken; without one the rounds run here (the link is made first when the terminal is paired)."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        with counter.db.read() as session:
            if pending_event_count(session) == 0:
                return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if counter.state.link is None:
            counter.state.link = connect(counter)
        agent = counter.state.link.agent
        if agent.running:
            agent.wake()
            time.sleep(min(0.05, left))
            continue
        try:
            agent.sync_once()
        except (ServerUnavailable, ServerRefused):
            time.sleep(min(0.5, max(left, 0.0)))
