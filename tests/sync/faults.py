"""A transport that misbehaves on purpose: the faults that made other POS systems lose or double sales."""

from __future__ import annotations

import random
import time
from enum import StrEnum
from typing import Any

from sync.client.http import OutgoingPush, ServerUnavailable, SyncClient
from sync.protocol.catalog import PullPage
from sync.protocol.messages import PushReply


class Fault(StrEnum):
    NONE = "none"
    DROP_REQUEST = "drop_request"  # never reaches the server
    DROP_REPLY = "drop_reply"  # the server committed; the terminal never hears back
    DUPLICATE = "duplicate"  # the same request arrives twice
    REORDER = "reorder"  # events arrive in another order
    DELAY = "delay"  # slow network
    TRUNCATE_REQUEST = "truncate_request"  # the body is cut off in transit
    TRUNCATE_REPLY = "truncate_reply"  # the reply is cut off after the server committed
    SERVER_ERROR = "server_error"  # 503 with Retry-After


class FaultyClient(SyncClient):
    """A ``SyncClient`` that injects one fault per request, drawn from a seeded schedule."""

    def __init__(self, *args: Any, seed: int = 0, fault_rate: float = 0.5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rng = random.Random(seed)
        self.fault_rate = fault_rate
        self.enabled = True
        self.seen: list[Fault] = []
        # Every kind of fault comes once early on, so even a short schedule exercises them all.
        self._first_round = [f for f in Fault if f is not Fault.NONE]
        self.rng.shuffle(self._first_round)

    def _next_fault(self) -> Fault:
        if not self.enabled or self.rng.random() >= self.fault_rate:
            return Fault.NONE
        if self._first_round:
            return self._first_round.pop()
        return self.rng.choice([f for f in Fault if f is not Fault.NONE])

    def send(self, push: OutgoingPush) -> PushReply:
        fault = self._next_fault()
        self.seen.append(fault)
        if fault is Fault.DROP_REQUEST:
            raise ServerUnavailable("injected: request dropped")
        if fault is Fault.SERVER_ERROR:
            raise ServerUnavailable("injected: 503", retry_after=1.0)
        if fault is Fault.DELAY:
            time.sleep(self.rng.uniform(0.01, 0.05))
        if fault is Fault.REORDER:
            events = list(push.events)
            self.rng.shuffle(events)
            push = OutgoingPush.of(push.terminal_code, push.store_code, events)
        if fault is Fault.TRUNCATE_REQUEST:
            cut = push.body[: self.rng.randint(1, max(1, len(push.body) - 1))]
            try:
                self._request("POST", "/v1/sync/push", data=cut,
                              headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})  # fmt: skip
            except Exception as error:
                raise ServerUnavailable(f"injected: truncated request refused ({error})") from error
            raise AssertionError("a truncated body must not be accepted")
        reply = super().send(push)
        if fault is Fault.DUPLICATE:
            reply = super().send(push)
        if fault in (Fault.DROP_REPLY, Fault.TRUNCATE_REPLY):
            raise ServerUnavailable(f"injected: {fault.value} after the server committed")
        return reply

    def pull(self, *, cursor: str, limit: int = 20_000, count: bool = False) -> PullPage:
        fault = self._next_fault()
        if fault in (Fault.DROP_REQUEST, Fault.SERVER_ERROR, Fault.TRUNCATE_REQUEST):
            raise ServerUnavailable(f"injected: {fault.value} on pull")
        reply = super().pull(cursor=cursor, limit=limit, count=count)
        if fault in (Fault.DROP_REPLY, Fault.TRUNCATE_REPLY):
            raise ServerUnavailable(f"injected: {fault.value} on pull")
        return reply
