"""The sync agent: a background thread that pushes the outbox and pulls the change feed.

It never blocks a sale: the counter writes to SQLite and calls ``agent.wake()``; the agent sends
when it can. Failures back off exponentially with jitter (1 s … 5 min) and honour ``Retry-After``;
a sale is never given up on. One uploader per terminal: an OS file lock beside the database makes a
second agent (another process, or a second window by mistake) wait instead of sending twice.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from posapp.store import Database
from sync.client import local
from sync.client.errors import VersionMismatch
from sync.client.http import OutgoingPush, ServerRefused, ServerUnavailable, SyncClient
from sync.protocol.messages import EventStatus

log = logging.getLogger("sync.client.agent")
# The most a push may carry (``MAX_PUSH_EVENTS``): about 1.3 MB of JSON, 130 kB gzipped, for 1,000 sales.
PUSH_BATCH = 1_000
_SENT = frozenset({EventStatus.APPLIED, EventStatus.DUPLICATE})
_DEAD = frozenset({EventStatus.REJECTED, EventStatus.CONFLICT})
# Large enough that round trips do not dominate a first download over a slow line; the server's
# page of 20,000 catalog rows is about 1 MB gzipped.
PULL_PAGE = 20_000
BACKOFF_START = 1.0
BACKOFF_CAP = 300.0


@dataclass(frozen=True, slots=True)
class SyncRound:
    """What one round did."""

    pushed: int
    rejected: int
    pulled: int


def next_backoff(previous: float, *, retry_after: float | None, rng: random.Random) -> float:
    """Exponential backoff with full jitter, never shorter than the server's ``Retry-After``."""
    ceiling = min(BACKOFF_CAP, max(BACKOFF_START, previous * 2))
    delay = rng.uniform(BACKOFF_START, ceiling)
    return max(delay, retry_after or 0.0)


class SyncAgent:
    """Push and pull for one terminal database, in a daemon thread (or one round at a time in tests)."""

    def __init__(
        self,
        db: Database,
        client: SyncClient,
        *,
        store_code: str,
        terminal_code: str,
        interval: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_progress: Callable[[int], None] | None = None,
        on_round: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.store_code = store_code
        self.terminal_code = terminal_code
        self.interval = interval
        self.clock = clock
        self.on_progress = on_progress
        self.on_round = on_round
        """Called on the agent's thread after each background round, whether it worked or not: the
        terminal's status (online, events waiting, last sync, last error) may have changed."""
        self._lock = FileLock(str(Path(db.path).with_suffix(".sync.lock")))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rng = random.Random()
        self.backoff = 0.0

    # ---- one round ----------------------------------------------------------------------------------

    def push_all(self) -> tuple[int, int]:
        """Send every pending event, batch by batch; events are marked only from the server's reply.

        One request at a time, oldest events first, exactly as if each batch were read after the
        reply to the one before; but the next batch is read and encoded, and this one's reply is
        recorded, on a helper thread while the server stores the batch in flight. The batch read
        ahead holds the oldest pending events after the one in flight: when every event in flight
        was answered for good (sent or dead), that is exactly what a read after the reply would give
        (events are only ever added at the end of the outbox, and only this agent marks them). When
        one was not (``retry``, or missing from the reply), the read-ahead is dropped and the outbox
        read again from its oldest pending event, as before.
        """
        pushed = rejected = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as helper:
            waiting, push = self._prepare_push(after_seq=0)
            recording: Future[tuple[int, int]] | None = None
            while push.events:
                self.client.report_pending(waiting)
                ahead = helper.submit(self._prepare_push, after_seq=push.events[-1].seq)
                reply = self.client.send(push)
                if recording is not None:
                    recording.result()  # the previous reply was recorded while this batch was stored
                recording = helper.submit(local.record_push_reply, self.db, reply, now=self.clock())
                sent = sum(r.status in _SENT for r in reply.results)
                dead = sum(r.status in _DEAD for r in reply.results)
                pushed, rejected = pushed + sent, rejected + dead
                answered = {r.id for r in reply.results if r.status in _SENT | _DEAD}
                if all(event.id in answered for event in push.events):
                    waiting, push = ahead.result()
                    waiting -= sent + dead  # counted while the batch answered now was still pending
                elif sent + dead == 0:
                    break  # the server answered for none of them: try again next round
                else:  # read again from the oldest pending event (after this reply is recorded)
                    waiting, push = helper.submit(self._prepare_push, after_seq=0).result()
            if recording is not None:
                recording.result()
        return pushed, rejected

    def _prepare_push(self, *, after_seq: int) -> tuple[int, OutgoingPush]:
        waiting, events = local.pending_stored(self.db, after_seq=after_seq, limit=PUSH_BATCH)
        return waiting, OutgoingPush.of(self.terminal_code, self.store_code, events)

    def pull_all(self) -> int:
        """Pull pages until the feed is drained; each page is applied with its cursor atomically.

        The next page is fetched while this one is applied (its cursor is in the reply), so with a
        slow line the round trips overlap the writing instead of adding to it.
        """
        pulled = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as fetcher:
            cursor, count = local.pull_request(self.db)
            pending = fetcher.submit(self.client.pull, cursor=cursor, limit=PULL_PAGE, count=count)
            while True:
                page = pending.result()
                if page.has_more and not page.resync:
                    pending = fetcher.submit(self.client.pull, cursor=page.cursor, limit=PULL_PAGE)
                pulled += local.apply_pull_page(self.db, page, store_code=self.store_code, now=self.clock())
                if self.on_progress is not None:
                    self.on_progress(pulled)
                if self._stop.is_set():
                    return pulled  # closing: a download goes on from its cursor next time
                if page.resync:
                    cursor, count = local.pull_request(self.db)
                    pending = fetcher.submit(self.client.pull, cursor=cursor, limit=PULL_PAGE, count=count)
                elif not page.has_more:
                    return pulled

    def sync_once(self) -> SyncRound:
        """Push, then pull, holding the terminal's upload lock; raises on failure."""
        try:
            with self._lock.acquire(timeout=30):
                pushed, rejected = self.push_all()
                pulled = self.pull_all()
        except Timeout as error:
            raise ServerUnavailable("another sync agent holds this terminal's upload lock") from error
        return SyncRound(pushed, rejected, pulled)

    # ---- the thread ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Run in a daemon thread until ``stop()``."""
        self._thread = threading.Thread(target=self._run, name="sync-agent", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Sync now (after a sale, or when the network is back)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current request and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            delay = self.interval
            try:
                self.sync_once()
                self.backoff = 0.0
            except ServerUnavailable as error:
                self.backoff = next_backoff(self.backoff, retry_after=error.retry_after, rng=self._rng)
                delay = self.backoff
                self._record(str(error))
            except VersionMismatch as error:
                # Nothing to do but wait for an update; selling goes on offline, the window says why.
                self.backoff = BACKOFF_CAP
                delay = self.backoff
                self._record(error.recorded)
            except ServerRefused as error:
                self.backoff = BACKOFF_CAP
                delay = self.backoff
                self._record(f"refused: {error}")
            except Exception as error:  # the thread must not die silently: log it, report it, retry
                log.exception("sync round failed")
                self.backoff = next_backoff(self.backoff, retry_after=None, rng=self._rng)
                delay = self.backoff
                self._record(f"{type(error).__name__}: {error}")
            if self.on_round is not None:
                self.on_round()
            self._wake.wait(delay)
            self._wake.clear()

    def _record(self, message: str) -> None:
        try:
            local.record_failure(self.db, message)
        except Exception:
            log.exception("could not record the sync failure")
