"""The DB worker: results on the GUI thread, and nothing Qt-owned freed on the worker thread."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from pytestqt.qtbot import QtBot

from posapp.ui.gui_gc import gui_thread_collector
from posapp.ui.worker import DbWorker


class FreedOn:
    """Records the thread that dropped the last reference to it."""

    threads: ClassVar[list[str]] = []

    def __del__(self) -> None:
        FreedOn.threads.append(threading.current_thread().name)


def test_results_and_errors_arrive_on_the_gui_thread_in_order(qtbot: QtBot) -> None:
    worker = DbWorker()
    seen: list[tuple[str, object, str]] = []
    gui = threading.current_thread().name
    try:
        worker.run(lambda: 1, success=lambda v: seen.append(("ok", v, threading.current_thread().name)))
        worker.run(lambda: 1 / 0, success=print, failure=lambda e: seen.append(("err", type(e), gui)))
        worker.run(lambda: 3, success=lambda v: seen.append(("ok", v, threading.current_thread().name)))
        qtbot.waitUntil(lambda: worker.idle and len(seen) == 3)
    finally:
        worker.shutdown()
    assert seen == [("ok", 1, gui), ("err", ZeroDivisionError, gui), ("ok", 3, gui)]


def test_an_ops_closure_is_released_on_the_gui_thread(qtbot: QtBot) -> None:
    worker = DbWorker()
    FreedOn.threads = []
    done: list[int] = []
    try:
        for n in range(20):
            held = FreedOn()
            worker.run(lambda held=held: id(held), success=lambda _v, n=n: done.append(n))  # type: ignore[misc]
            del held
        qtbot.waitUntil(lambda: worker.idle and len(done) == 20)
    finally:
        worker.shutdown()
    assert FreedOn.threads == [threading.current_thread().name] * 20


def test_collection_is_off_while_a_worker_runs_and_done_by_the_gui_timer(qtbot: QtBot) -> None:
    was_enabled = gc.isenabled()
    worker = DbWorker()
    try:
        assert not gc.isenabled()
        FreedOn.threads = []
        for _ in range(2000):  # cycles: only the collector frees them
            a: list[object] = [FreedOn()]
            a.append(a)
        del a
        qtbot.waitUntil(lambda: len(FreedOn.threads) == 2000, timeout=10_000)
        assert set(FreedOn.threads) == {threading.current_thread().name}
    finally:
        worker.shutdown()
    assert gc.isenabled() == was_enabled
    assert gui_thread_collector().collect_due() >= 0
