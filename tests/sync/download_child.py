"""Child process for the download test: the real agent pulling a catalog, page by page, until killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from posapp.services import Terminal
from sync.client import agent as agent_module
from sync.client.agent import SyncAgent
from sync.client.http import SyncClient


def main() -> None:
    data_dir, url, token, page = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    agent_module.PULL_PAGE = page
    terminal = Terminal.open(data_dir)

    def progress(rows: int) -> None:
        print(f"pulled {rows}", flush=True)
        time.sleep(0.02)  # a slow terminal: the parent kills it between two pages, or during one

    agent = SyncAgent(terminal.db, SyncClient(url, token), store_code="S001", terminal_code="01",
                      on_progress=progress)  # fmt: skip
    agent.pull_all()
    print("done", flush=True)


if __name__ == "__main__":
    main()
