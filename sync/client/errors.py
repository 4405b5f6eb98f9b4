"""What the server link can fail with, and the TLS rule for its address.

Kept apart from ``http`` (which imports ``requests``) so the terminal can name these errors
without paying for the HTTP stack at start-up; the link is opened after the window is shown.
"""

from __future__ import annotations

import ipaddress

from posapp.domain.errors import DomainError


class InsecureServer(DomainError):
    """A remote server must be reached over HTTPS."""

    message_key = "error.sync.insecure"


class UnsafeServerAddress(InsecureServer):
    """A server address whose host the HTTP stack could read differently from what it looks like."""

    message_key = "error.sync.address"


class ServerUnavailable(Exception):
    """The server did not answer, or answered with a temporary error; try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerRefused(Exception):
    """The server refused the request for good (bad token, revoked device, bad request)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


TERMINAL_TOO_OLD = "version: terminal too old"
TERMINAL_TOO_NEW = "version: terminal too new"
"""How a version mismatch is recorded as the sync state's last error (the status bar says it in words)."""


class VersionMismatch(ServerRefused):
    """426: the server speaks another sync protocol; ``terminal_too_old`` tells which side to update."""

    def __init__(self, detail: str, *, server_protocol: int | None, terminal_protocol: int) -> None:
        super().__init__(426, detail)
        self.server_protocol = server_protocol
        self.terminal_protocol = terminal_protocol
        self.terminal_too_old = server_protocol is None or terminal_protocol < server_protocol

    @property
    def recorded(self) -> str:
        """The sync state's last error: a fixed prefix the window reads, then the server's words."""
        prefix = TERMINAL_TOO_OLD if self.terminal_too_old else TERMINAL_TOO_NEW
        return f"{prefix} (server {self.server_protocol}, terminal {self.terminal_protocol}): {self.detail}"


def check_server_url(url: str) -> str:
    """The URL without a trailing slash; refuses plain HTTP except to loopback.

    The host is read by urllib3's ``parse_url``, the parser ``requests`` sends with: a check made
    with another parser can be fooled. ``http://attacker.example\\@127.0.0.1`` is loopback to
    ``urllib.parse`` (it reads ``attacker.example\\`` as a user name) but ``requests`` connects to
    attacker.example, in plain HTTP, with the device token. So anything two parsers might read
    differently is refused outright: backslashes, user info, spaces and control characters, and a
    query or fragment (the address is a base that paths are appended to).
    """
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url  # light next to requests; parsed only when a link is made

    address = url.strip()
    if any(ch == "\\" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in address):
        raise UnsafeServerAddress("the server address has a backslash, space or control character", value=url)
    try:
        parts = parse_url(address)
    except LocationParseError as error:
        raise UnsafeServerAddress("the server address cannot be read", value=url) from error
    if parts.auth is not None or "@" in address:
        raise UnsafeServerAddress("the server address must not carry a user name or password", value=url)
    if parts.query is not None or parts.fragment is not None:
        raise UnsafeServerAddress("the server address must not carry a query or fragment", value=url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https") or not parts.host:
        raise InsecureServer("the server address must start with https://", value=url)
    if scheme == "http" and not _is_loopback(parts.host):
        raise InsecureServer("a remote server must use https:// (TLS)", value=url)
    return address.rstrip("/")


def _is_loopback(host: str) -> bool:
    host = host.removeprefix("[").removesuffix("]")  # urllib3 keeps an IPv6 literal's brackets
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
