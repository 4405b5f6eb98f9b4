"""The terminal's HTTP client for the central server: pairing, push, pull and live look-ups.

TLS verification is always on; plain HTTP is accepted only for a server on this machine (loopback).
Push bodies are gzipped (hundreds of sales per request); replies come back gzipped by the server.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sync.client.errors import (
    InsecureServer,
    ServerRefused,
    ServerUnavailable,
    VersionMismatch,
    check_server_url,
)
from sync.protocol import PROTOCOL_VERSION
from sync.protocol.catalog import PullPage, read_pull_page
from sync.protocol.events import Event
from sync.protocol.messages import (
    PENDING_HEADER,
    PROTOCOL_HEADER,
    PushReply,
    PushRequest,
    StoredEvent,
    push_request_json,
)

__all__ = [
    "InsecureServer",
    "OutgoingPush",
    "Pairing",
    "ServerRefused",
    "ServerUnavailable",
    "SyncClient",
    "check_server_url",
]

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Pairing:
    """What pairing gives a terminal."""

    device_id: str
    token: str
    store_code: str
    terminal_code: str


@dataclass(frozen=True, slots=True)
class OutgoingPush:
    """A push ready to go: its events (to match the reply against) and the gzipped body.

    Built apart from sending (``of``) so the agent can make the next one while the server stores
    this one.
    """

    terminal_code: str
    store_code: str
    events: Sequence[StoredEvent]
    body: bytes

    @classmethod
    def of(cls, terminal_code: str, store_code: str, events: Sequence[StoredEvent]) -> OutgoingPush:
        body = gzip.compress(push_request_json(terminal_code, store_code, events), compresslevel=5)
        return cls(terminal_code, store_code, events, body)


def _software_version() -> str:
    try:
        return version("omnipos")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


def _check(response: requests.Response) -> requests.Response:
    if response.status_code == 429 or response.status_code >= 500:
        raise ServerUnavailable(f"server answered {response.status_code}", retry_after=_retry_after(response))
    if response.status_code >= 400:
        try:
            detail = str(response.json().get("detail", ""))
        except ValueError:
            detail = response.text[:200]
        if response.status_code == 426:
            theirs = response.headers.get(PROTOCOL_HEADER, "")
            ours = str(response.request.headers.get(PROTOCOL_HEADER, PROTOCOL_VERSION))
            raise VersionMismatch(
                detail,
                server_protocol=int(theirs) if theirs.isdigit() else None,
                terminal_protocol=int(ours) if ours.isdigit() else PROTOCOL_VERSION,
            )
        raise ServerRefused(response.status_code, detail)
    return response


class SyncClient:
    """A session with one server as one paired device."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = READ_TIMEOUT) -> None:
        self.base_url = check_server_url(base_url)
        self.timeout = (CONNECT_TIMEOUT, timeout)
        self.http = requests.Session()
        self.http.verify = True
        # A kept-alive connection the server has just closed fails before anything is sent; every
        # call here is safe to repeat (event ids and cursors make push and pull idempotent).
        retry = Retry(
            total=2, connect=2, read=0, status=0, other=0, allowed_methods=None, raise_on_status=False
        )
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.http.mount("https://", HTTPAdapter(max_retries=retry))
        self.http.headers["User-Agent"] = f"OmniPOS-terminal/{PROTOCOL_VERSION} omnipos/{_software_version()}"
        self.http.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if token:
            # Set on the session, not logged: requests never logs headers.
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _request(
        self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any
    ) -> requests.Response:
        try:
            response = self.http.request(
                method,
                self.base_url + path,
                timeout=(CONNECT_TIMEOUT, timeout) if timeout else self.timeout,
                **kwargs,
            )
        except requests.RequestException as error:
            raise ServerUnavailable(f"{type(error).__name__}: cannot reach the server") from error
        return _check(response)

    def report_pending(self, count: int) -> None:
        """Tell the server with every later request how many events the outbox holds (HQ's device list)."""
        self.http.headers[PENDING_HEADER] = str(max(0, count))

    def pair(self, *, pairing_code: str, device_name: str) -> Pairing:
        """Trade a one-time pairing code for a device token."""
        data = self._request(
            "POST", "/v1/devices/pair", json={"pairing_code": pairing_code, "device_name": device_name}
        ).json()
        return Pairing(
            device_id=data["device_id"],
            token=data["token"],
            store_code=data["store_code"],
            terminal_code=data.get("terminal_code") or "01",
        )

    def push(self, *, terminal_code: str, events: list[Event]) -> PushReply:
        """Send a batch of events; the reply has one result per event."""
        body = PushRequest(terminal_code=terminal_code, events=events).model_dump_json().encode("utf-8")
        return self._post_push(gzip.compress(body, compresslevel=5))

    def send(self, push: OutgoingPush) -> PushReply:
        """Send a push the agent prepared from its outbox; the reply has one result per event."""
        return self._post_push(push.body)

    def _post_push(self, gzipped: bytes) -> PushReply:
        response = self._request(
            "POST",
            "/v1/sync/push",
            data=gzipped,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        return PushReply.model_validate_json(response.content)

    def pull(self, *, cursor: str, limit: int = 20_000, count: bool = False) -> PullPage:
        """The next page of changes after ``cursor`` (with how many are left, when ``count``).

        Read without a pydantic object per change (``sync.protocol.catalog.read_pull_page``): a page
        of a first download is tens of thousands of rows.
        """
        params: dict[str, Any] = {"cursor": cursor, "limit": limit}
        if count:
            params["count"] = "true"
        response = self._request("GET", "/v1/sync/pull", params=params)
        return read_pull_page(response.content)

    def get_json(self, path: str, *, timeout: float, params: dict[str, Any] | None = None) -> Any:
        """A live look-up with a short timeout (customer search, history, other stores' stock)."""
        return self._request("GET", path, timeout=timeout, params=params).json()

    def post_json(self, path: str, body: dict[str, Any], *, timeout: float) -> Any:
        """A live call that changes something on the server (pickup hand-over, coupon redeem or release),
        with a short timeout; the answer's JSON, or ``None`` for an empty answer."""
        response = self._request("POST", path, json=body, timeout=timeout)
        return response.json() if response.content else None

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()
