"""The simulated traffic: terminals pushing sales and pulling changes, clerks looking up members, a shop ordering."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import math
import random
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.load_sim.chain import Chain, TerminalIdentity
from bench.load_sim.sales import build_sale, envelope

PUSH, PULL, LOOKUP, ORDER = (
    "POST /v1/sync/push",
    "GET /v1/sync/pull",
    "GET /v1/customers?q=",
    "POST /v1/channel/orders",
)
ENDPOINTS = (PUSH, PULL, LOOKUP, ORDER)
BY_MEMBER_NO, BY_KANA = "  ↳ look-up by member number", "  ↳ look-up by kana fragment"
MAX_BATCH = 100


async def _within(work: asyncio.Future[Any], seconds: float) -> None:
    """Wait for ``work`` at most ``seconds``; what is unfinished then is cancelled (and counted by its caller)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(work, max(seconds, 1))


@dataclass
class Recorder:
    """Latency of every request per endpoint, and every error with a few examples."""

    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENDPOINTS, 0))
    detail_ms: dict[str, list[float]] = field(default_factory=lambda: {BY_MEMBER_NO: [], BY_KANA: []})
    examples: list[str] = field(default_factory=list)

    def ok(self, endpoint: str, started: float) -> None:
        self.latencies_ms[endpoint].append((time.perf_counter() - started) * 1000)

    def error(self, endpoint: str, started: float, detail: str) -> None:
        self.ok(endpoint, started)
        self.errors[endpoint] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{endpoint}: {detail[:300]}")


@dataclass
class SimTerminal:
    """One register: its outbox of unconfirmed events, its feed cursor, and what the server confirmed."""

    identity: TerminalIdentity
    cursor: str
    seq: int = 0
    outbox: list[dict[str, Any]] = field(default_factory=list)
    sent_sales: dict[str, str] = field(default_factory=dict)  # sale id → receipt number
    confirmed: dict[str, str] = field(default_factory=dict)  # sale id → "applied" or "duplicate"
    flags: dict[str, int] = field(default_factory=dict)
    client: httpx.AsyncClient | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.identity.token}"}


@dataclass
class Traffic:
    """Runs the mix against a chain for a while; keeps the terminals so a later step carries on from them."""

    chain: Chain
    lookups_per_s: float
    orders_per_s: float
    seed: int = 7
    recorder: Recorder = field(default_factory=Recorder)
    terminals: list[SimTerminal] = field(default_factory=list)
    orders_sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders_confirmed: set[str] = field(default_factory=set)
    replays: int = 0
    run_id: str = field(default_factory=lambda: datetime.now(UTC).strftime("%H%M%S"))
    keepalive_expiry: float | None = None  # close idle connections sooner than the server does
    period: float = 10.0  # seconds between a terminal's sales, and between its pulls

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.terminals = [SimTerminal(t, self.chain.start_cursor) for t in self.chain.terminals]

    async def run(
        self, *, terminals: int, duration: float, kinds: frozenset[str] = frozenset(ENDPOINTS)
    ) -> None:
        """Offer the load of ``terminals`` registers plus look-ups and orders for ``duration`` seconds
        (only the request types in ``kinds``: a phase that measures one type's cost runs it alone)."""
        self.recorder = Recorder()
        lookups_per_s = self.lookups_per_s if LOOKUP in kinds else 0
        orders_per_s = self.orders_per_s if ORDER in kinds else 0
        active = self.terminals[:terminals]
        # Each register has its own keep-alive connection, as real terminals do (one shared pool would
        # funnel the whole chain through a few connections and so through one worker).
        tls = ssl.create_default_context()
        limits = httpx.Limits(keepalive_expiry=self.keepalive_expiry or 5.0)
        clients = [
            httpx.AsyncClient(base_url=self.chain.url, timeout=30, verify=tls, limits=limits) for _ in active
        ]
        for terminal, client in zip(active, clients, strict=True):
            terminal.client = client
        shop = httpx.AsyncClient(base_url=self.chain.url, timeout=30, verify=tls)
        try:
            start = time.monotonic()
            until = start + duration
            pushing, pulling = PUSH in kinds, PULL in kinds
            jobs = [self._terminal(t, t.client, start, until, pushing, pulling)  # type: ignore[arg-type]
                    for t in active if pushing or pulling]  # fmt: skip
            jobs.append(self._paced(lookups_per_s, until, lambda: self._lookup(self.rng.choice(active))))
            jobs.append(self._paced(orders_per_s, until, lambda: self._order(shop)))
            # A wedged server must not hang the report: whatever is still waiting then is cut off.
            await _within(asyncio.gather(*jobs), until + 45 - time.monotonic())
            # A terminal whose last push failed sends its outbox again, as the real agent would.
            drain = asyncio.gather(*(self._push(t, t.client) for t in active if t.outbox and t.client))
            await _within(drain, 45)
        finally:
            await asyncio.gather(*(client.aclose() for client in [*clients, shop]))
            for terminal in active:
                terminal.client = None

    async def catch_up(self, *, terminals: int) -> None:
        """Pull the first ``terminals`` registers up to date, unrecorded (a measured phase starts caught up)."""
        gate = asyncio.Semaphore(16)
        async with httpx.AsyncClient(base_url=self.chain.url, timeout=60) as client:

            async def one(terminal: SimTerminal) -> None:
                async with gate:
                    await self._pull(terminal, client)

            await asyncio.gather(*(one(t) for t in self.terminals[:terminals]))
        self.recorder = Recorder()

    async def _terminal(self, terminal: SimTerminal, client: httpx.AsyncClient, start: float, until: float,
                        pushing: bool = True, pulling: bool = True) -> None:  # fmt: skip
        rng = random.Random(f"{self.seed}:{terminal.identity.token}")
        next_sale = start + rng.uniform(0, self.period)  # jitter: registers do not ring up in step
        next_pull = next_sale + self.period / 2
        if not pushing:
            next_sale = math.inf
        if not pulling:
            next_pull = math.inf
        while True:
            due = min(next_sale, next_pull)
            if due >= until:
                return
            await asyncio.sleep(max(due - time.monotonic(), 0))
            if due == next_sale:
                self._ring_up(terminal, rng)
                await self._push(terminal, client)
                next_sale += self.period
            else:
                await self._pull(terminal, client)
                next_pull += self.period

    def _ring_up(self, terminal: SimTerminal, rng: random.Random) -> None:
        terminal.seq += 1
        identity = terminal.identity
        number = f"{identity.store_code}-{identity.terminal_code}-{terminal.seq:06d}"
        sale = build_sale(rng, catalog=self.chain.catalog, members=self.chain.members, receipt_no=number)
        event = envelope(
            sale, seq=terminal.seq, store_code=identity.store_code, terminal_code=identity.terminal_code
        )
        terminal.outbox.append(event)
        terminal.sent_sales[sale.sale_id] = number

    async def _push(self, terminal: SimTerminal, client: httpx.AsyncClient) -> None:
        batch = terminal.outbox[:MAX_BATCH]
        body = json.dumps({"protocol_version": 1, "terminal_code": terminal.identity.terminal_code,
                           "events": batch}, ensure_ascii=False).encode()  # fmt: skip
        headers = {**terminal.headers, "Content-Type": "application/json", "Content-Encoding": "gzip"}
        started = time.perf_counter()
        try:
            answer = await client.post("/v1/sync/push", content=gzip.compress(body, 5), headers=headers)
        except httpx.HTTPError as error:
            self.recorder.error(PUSH, started, f"{type(error).__name__}: {error}")
            return
        if answer.status_code != 200:
            self.recorder.error(PUSH, started, f"{answer.status_code} {answer.text}")
            return
        self.recorder.ok(PUSH, started)
        by_id = {event["id"]: event for event in batch}
        for result in answer.json()["results"]:
            event = by_id[result["id"]]
            status = result["status"]
            for flag in result.get("flags", []):
                terminal.flags[flag.split(":")[0]] = terminal.flags.get(flag.split(":")[0], 0) + 1
            if status == "retry":
                continue
            terminal.outbox.remove(event)
            if status in ("applied", "duplicate"):
                terminal.confirmed[event["payload"]["sale_id"]] = status
            else:
                self.recorder.error(PUSH, started, f"event {status}: {result.get('detail', '')}")

    async def _pull(self, terminal: SimTerminal, client: httpx.AsyncClient) -> None:
        while True:
            started = time.perf_counter()
            try:
                answer = await client.get(
                    "/v1/sync/pull", params={"cursor": terminal.cursor}, headers=terminal.headers
                )
            except httpx.HTTPError as error:
                self.recorder.error(PULL, started, f"{type(error).__name__}: {error}")
                return
            if answer.status_code != 200:
                self.recorder.error(PULL, started, f"{answer.status_code} {answer.text}")
                return
            self.recorder.ok(PULL, started)
            page = answer.json()
            if page["resync"]:
                self.recorder.error(PULL, started, "the server asked a caught-up terminal to resync")
            terminal.cursor = page["cursor"]
            if not page["has_more"] or page["resync"]:
                return

    async def _paced(self, rate: float, until: float, make: Any) -> None:
        """Start ``rate`` calls a second, evenly spread with jitter, each in its own task (open loop)."""
        if rate <= 0:
            return
        tasks: set[asyncio.Task[None]] = set()
        due = time.monotonic() + self.rng.uniform(0, 1 / rate)
        while due < until:
            await asyncio.sleep(max(due - time.monotonic(), 0))
            task = asyncio.create_task(make())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            due += self.rng.uniform(0.5, 1.5) / rate
        if tasks:
            await asyncio.gather(*tasks)

    async def _lookup(self, terminal: SimTerminal) -> None:
        """A clerk at ``terminal`` searching a member by card number or by part of the reading."""
        member = self.rng.choice(self.chain.members)
        if self.rng.random() < 0.5 or len(member.name_kana) < 3:
            query = member.member_no
        else:
            at = self.rng.randrange(len(member.name_kana) - 2)
            query = member.name_kana[at : at + 3]
        if terminal.client is None:
            return
        started = time.perf_counter()
        try:
            answer = await terminal.client.get("/v1/customers", params={"q": query}, headers=terminal.headers)
        except httpx.HTTPError as error:
            self.recorder.error(LOOKUP, started, f"{type(error).__name__}: {error}")
            return
        if answer.status_code != 200 or (query == member.member_no and not answer.json()):
            self.recorder.error(LOOKUP, started, f"{answer.status_code} q={query} {answer.text[:200]}")
            return
        self.recorder.ok(LOOKUP, started)
        kind = BY_MEMBER_NO if query == member.member_no else BY_KANA
        self.recorder.detail_ms[kind].append(self.recorder.latencies_ms[LOOKUP][-1])

    def _new_order(self) -> dict[str, Any]:
        number = len(self.orders_sent) + 1
        items = self.rng.sample(self.chain.catalog, self.rng.randint(1, 3))
        if self.rng.random() < 0.7:
            customer: dict[str, Any] = {"member_no": self.rng.choice(self.chain.members).member_no}
        else:
            customer = {"email": f"load{self.run_id}-{number}@example.jp", "name": "通販 花子"}
        order_id = f"LT-{self.run_id}-{number:07d}"
        order = {
            "order_id": order_id,
            "customer": customer,
            "ordered_at": datetime.now(UTC).isoformat(),
            "lines": [{"sku": i.sku, "qty": self.rng.randint(1, 2), "unit_price": i.price} for i in items],
            "fulfilment": {"type": "ship"},
        }
        self.orders_sent[order_id] = order
        return order

    async def _order(self, client: httpx.AsyncClient) -> None:
        # One order in twenty is a resend of an earlier one (a shop retrying after a timeout).
        replay = bool(self.orders_confirmed) and self.rng.random() < 0.05
        order = (
            self.orders_sent[self.rng.choice(sorted(self.orders_confirmed))] if replay else self._new_order()
        )
        self.replays += replay
        started = time.perf_counter()
        try:
            answer = await client.post(
                "/v1/channel/orders",
                json=order,
                headers={"Authorization": f"Bearer {self.chain.channel_key}"},
            )
        except httpx.HTTPError as error:
            self.recorder.error(ORDER, started, f"{type(error).__name__}: {error}")
            return
        if answer.status_code != 200:
            self.recorder.error(ORDER, started, f"{answer.status_code} {answer.text}")
            return
        self.recorder.ok(ORDER, started)
        self.orders_confirmed.add(order["order_id"])
