"""A round-robin HTTP reverse proxy for tests: each request goes to the next server, as nginx's
``upstream`` does (per request, not per client connection: a terminal's keep-alive connection
still spreads its requests over every instance)."""

from __future__ import annotations

import itertools
import socket
import threading
from collections import Counter

import httpx
import uvicorn
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host",
              "content-length"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RoundRobinProxy:
    """Listens on ``127.0.0.1:port`` and forwards each request to the next of ``targets`` (ports)."""

    def __init__(self, targets: list[int]) -> None:
        self.targets = targets
        self.port = free_port()
        self.served: Counter[int] = Counter()  # requests per target port
        self._next = itertools.cycle(targets)
        self._client: httpx.AsyncClient | None = None
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            interface="asgi3",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="round-robin", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RoundRobinProxy:
        self._thread.start()
        while not self._server.started:
            threading.Event().wait(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    async def _app(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http":
            return
        if self._client is None:  # made on the proxy's own event loop
            self._client = httpx.AsyncClient(timeout=120)
        request = Request(scope, receive)  # type: ignore[arg-type]
        target = next(self._next)
        self.served[target] += 1
        headers = [(k, v) for k, v in request.headers.raw if k.decode().lower() not in HOP_BY_HOP]
        headers.append((b"x-forwarded-for", (request.client.host if request.client else "").encode()))
        upstream = self._client.build_request(
            request.method, f"http://127.0.0.1:{target}{scope['raw_path'].decode()}"
            + (f"?{scope['query_string'].decode()}" if scope["query_string"] else ""),
            headers=headers, content=await request.body(),
        )  # fmt: skip
        answer = await self._client.send(upstream, stream=True)
        response = StreamingResponse(
            answer.aiter_raw(),  # as sent: a gzip body stays gzip, with its header
            status_code=answer.status_code,
            headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP},
            background=BackgroundTask(answer.aclose),
        )
        await response(scope, receive, send)  # type: ignore[arg-type]
