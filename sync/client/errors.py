"""What the server link can fail with, and the TLS rule for its address.

Kept apart from ``http`` (which imports ``requests``) so the terminal can name these errors
without paying for the HTTP stack at start-up; the link is opened after the window is shown.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from posapp.domain.errors import DomainError


class InsecureServer(DomainError):
    """A remote server must be reached over HTTPS."""

    message_key = "error.sync.insecure"


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


def check_server_url(url: str) -> str:
    """The URL without a trailing slash; refuses plain HTTP except to loopback."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServer("the server address must start with https://", value=url)
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise InsecureServer("a remote server must use https:// (TLS)", value=url)
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
