"""A loopback TCP proxy that adds round-trip time: each chunk is held for half the RTT in each direction.

    .venv/bin/python bench/latency_proxy.py --target 8000 --rtt-ms 50 --port 8050

Latency, not bandwidth: every chunk is stamped when it arrives and forwarded once its own delay has
passed, so a large reply split into many chunks costs one half-RTT, not one per chunk.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from concurrent.futures import Future

CHUNK = 256 * 1024


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LatencyProxy:
    """Forwards ``127.0.0.1:port`` to ``127.0.0.1:target_port`` with ``rtt_ms`` of added round trip."""

    def __init__(self, target_port: int, rtt_ms: float, *, port: int | None = None) -> None:
        self.target_port = target_port
        self.one_way = rtt_ms / 2000
        self.port = port or free_port()
        self.bytes_up = 0  # client → server
        self.bytes_down = 0  # server → client
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> LatencyProxy:
        """Listen in a background thread; returns self."""
        self._thread.start()
        started: Future[None] = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        started.result(5)
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, then stop the thread."""
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        try:
            await asyncio.gather(self._pipe(reader, up_writer, upstream=True),
                                 self._pipe(up_reader, writer, upstream=False))  # fmt: skip
        except asyncio.CancelledError:
            # Only ``stop()`` cancels: end quietly (asyncio logs a connection callback that raises).
            writer.close()
            up_writer.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sender = asyncio.create_task(self._send_when_due(queue, writer))
        try:
            while chunk := await reader.read(CHUNK):
                if upstream:
                    self.bytes_up += len(chunk)
                else:
                    self.bytes_down += len(chunk)
                queue.put_nowait((time.monotonic() + self.one_way, chunk))
        except ConnectionError:
            pass
        finally:
            queue.put_nowait((time.monotonic() + self.one_way, b""))  # end of stream, also delayed
            await sender

    @staticmethod
    async def _send_when_due(queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                due, chunk = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    break
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()


def main(argv: list[str] | None = None) -> int:
    """Run the proxy in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target", type=int, required=True, help="the server's port on 127.0.0.1")
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--port", type=int, default=0, help="where to listen (default: a free port)")
    args = parser.parse_args(argv)
    proxy = LatencyProxy(args.target, args.rtt_ms, port=args.port or None).start()
    print(f"127.0.0.1:{proxy.port} → 127.0.0.1:{args.target} with {args.rtt_ms:g} ms added RTT", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
