"""Request bodies are read, bounded and inflated before a request is admitted to the app.

What a hostile or broken client could do before (issue 15): a 141 KiB gzip push that inflated to
60 MiB of JSON took 23–39 s and 2 GB, parsed on the event loop so the worker's other requests
waited; a 400 MB body was read whole before it was refused; 16 sockets trickling a body held every
admission slot (``admission.py``), so real requests waited 20 s and got 503.

``BodyReader`` is the first step of the server's one ASGI layer (``gateway.py``):

- the raw body is refused (413) from ``Content-Length`` before a byte is read, or as soon as the
  bytes streamed past the limit;
- reading has a deadline: ``timeout`` seconds plus one second per ``MIN_RATE`` bytes received (a
  slow store line that moves data keeps going; a socket trickling a byte now and then gets 408);
- a ``Content-Encoding: gzip`` body is inflated on a worker thread, stopping at the inflated limit
  (413), so a bomb costs at most that much memory and no event-loop time; the inner app sees the
  inflated body with no ``Content-Encoding``;
- a JSON body with more values than allowed is refused (413) before anyone parses it: the count is
  of separators (``,`` ``[`` ``{``), an upper bound found at memory speed;
- only then does the request go on to the admission gate, so a slow or hostile body never holds a
  slot that a real request is waiting for.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter

Scope = dict[str, Any]
Message = dict[str, Any]

MIN_RATE = 16 * 1024
"""Bytes per second a body must average (after ``timeout``) to keep being read: 128 kbit/s."""
INFLATE_THREADS = 2
"""Bodies inflated at once per worker: bounds the memory a burst of bombs can take."""
INLINE_BYTES = 64 * 1024
"""A plain body up to this size is checked on the event loop (counting its separators takes
microseconds); a thread hop would cost more than the check. Larger or gzip bodies go to a thread."""


@dataclass(frozen=True, slots=True)
class BodyRules:
    """The limits, from the server's settings."""

    max_bytes: int
    max_inflated_bytes: int
    max_json_values: int
    timeout: float


class BodyRefused(Exception):
    """A body the server will not take, with the answer to give."""

    def __init__(self, status: int, detail: str, slug: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug


def too_large(detail: str) -> BodyRefused:
    return BodyRefused(413, detail, "too-large")


def inflate(data: bytes, limit: int) -> bytes:
    """``data`` un-gzipped, refusing output beyond ``limit`` bytes (without making it) and a cut-off stream."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inflated = decompressor.decompress(data, limit + 1)
    except zlib.error as error:
        raise BodyRefused(400, "the request body is not valid gzip", "bad-body") from error
    if len(inflated) > limit or decompressor.unconsumed_tail:
        raise too_large(f"the request body inflates to more than {limit:,} bytes")
    if not decompressor.eof:
        raise BodyRefused(400, "the request body was cut off in transit", "bad-body")
    return inflated


def json_values_at_most(data: bytes) -> int:
    """An upper bound on the JSON values in ``data``: every value but the first follows a separator."""
    return data.count(b",") + data.count(b"[") + data.count(b"{") + 1


def prepare(data: bytes, *, gzipped: bool, is_json: bool, rules: BodyRules) -> bytes:
    """The body the app will see; raises ``BodyRefused``. CPU work: run it off the event loop."""
    if gzipped:
        data = inflate(data, rules.max_inflated_bytes)
    if is_json and json_values_at_most(data) > rules.max_json_values:
        raise too_large(f"the JSON body has more than {rules.max_json_values:,} values")
    return data


class BodyReader:
    """Reads a request's whole body within the limits and a deadline; the gateway's first step."""

    def __init__(self, rules: BodyRules) -> None:
        self.rules = rules
        self._limiter: CapacityLimiter | None = None

    async def bounded(
        self, scope: Scope, receive: Any, *, encoding: bytes, length: bytes | None, content_type: bytes
    ) -> tuple[Scope, Any] | None:
        """The scope and ``receive`` the app will see (the body inflated and replayed), or ``None`` if
        the client went away; raises ``BodyRefused``. ``encoding``, ``length`` and ``content_type``
        are the request's headers, lower case, as sent (``length`` ``None`` when not sent)."""
        encoding = encoding.strip()
        if encoding not in (b"", b"identity", b"gzip"):
            raise BodyRefused(415, "the only content encoding accepted is gzip", "media-type")
        if length is not None and int(length) > self.rules.max_bytes:  # uvicorn has checked it is a number
            raise too_large(f"the request body is larger than {self.rules.max_bytes:,} bytes")
        raw = await self._read(receive)
        if raw is None:
            return None
        media_type = content_type.split(b";")[0].strip()
        is_json = media_type == b"application/json" or media_type.endswith(b"+json")
        gzipped = encoding == b"gzip"
        if not gzipped and len(raw) <= INLINE_BYTES:
            body = prepare(raw, gzipped=False, is_json=is_json, rules=self.rules)
        else:
            if self._limiter is None:
                self._limiter = CapacityLimiter(INFLATE_THREADS)
            body = await anyio.to_thread.run_sync(
                lambda: prepare(raw, gzipped=gzipped, is_json=is_json, rules=self.rules),
                limiter=self._limiter,
            )
        if gzipped:
            kept = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ]
            scope = {**scope, "headers": [*kept, (b"content-length", str(len(body)).encode())]}
        return scope, _replay(body, receive)

    async def _read(self, receive: Any) -> bytes | None:
        """The whole body, or ``None`` if the client disconnected; raises ``BodyRefused``."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        chunks: list[bytes] = []
        received = 0
        while True:
            left = started + self.rules.timeout + received / MIN_RATE - loop.time()
            try:
                if left <= 0:
                    raise TimeoutError
                message: Message = await asyncio.wait_for(receive(), timeout=left)
            except TimeoutError:
                raise BodyRefused(408, "the request body came too slowly", "body-timeout") from None
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.rules.max_bytes:
                raise too_large(f"the request body is larger than {self.rules.max_bytes:,} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: Message = await receive()
        return message  # after the body: wait for the disconnect, as the server's receive does

    return replay
