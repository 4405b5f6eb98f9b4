"""A store's feed carries only the members that store serves offline; others come by a logged live look-up.

Before (issue 15): every device's pull carried every customer of the chain with phone and e-mail,
and nothing recorded it. Real server process, real terminals paired with it, SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import select

from posapp.store.models import Customer as CachedCustomer
from tests.services.conftest import MEMBER_NO, PRODUCTS
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal
from tests.sync.conftest import server as server  # the live server fixture

S001_ONLY = {
    "name": "高橋 由美",
    "name_kana": "タカハシ ユミ",
    "email": "yumi.takahashi@example.jp",
    "phone": "080-1111-2222",
}
S001_ONLY_PHONE = "08011112222"
MEMBER_42_PHONE = "09012345678"  # set_up_chain's member: home store S001


def register_at_s001(server: LiveServer) -> dict[str, object]:
    _device, token = server.pair("S001", "受付")
    answer = requests.post(
        server.url + "/v1/customers", json=S001_ONLY, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    profile: dict[str, object] = answer.json()
    return profile


def whole_feed(server: LiveServer, store: str) -> str:
    """Everything a new device of ``store`` downloads, as text."""
    _device, token = server.pair(store, "probe")
    text, cursor = "", ""
    for _ in range(50):
        page = requests.get(
            server.url + "/v1/sync/pull", params={"cursor": cursor, "limit": 5000},  # type: ignore[arg-type]
            headers={"Authorization": f"Bearer {token}"}, timeout=30,
        ).json()  # fmt: skip
        text += str(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return text
    raise AssertionError("the feed did not end")


def cached_phones(paired: PairedTerminal) -> set[str]:
    with paired.terminal.db.read() as session:
        return {row.phone for row in session.scalars(select(CachedCustomer))}


def test_a_store_feed_leaves_out_other_stores_members_and_live_look_ups_are_logged(
    server: LiveServer, tmp_path: Path
) -> None:
    member = register_at_s001(server)

    # S001 serves both (their home store); S002 serves neither: no name, phone or e-mail reaches it.
    s001_feed = whole_feed(server, "S001")
    assert S001_ONLY["email"] in s001_feed and S001_ONLY_PHONE in s001_feed and MEMBER_42_PHONE in s001_feed
    s002_feed = whole_feed(server, "S002")
    for personal in (S001_ONLY["email"], S001_ONLY_PHONE, S001_ONLY["name"], MEMBER_42_PHONE, "鈴木 花子"):
        assert personal not in s002_feed, f"{personal} is on S002's feed"
    assert "'entity': 'product'" in s002_feed, "the rest of the feed is there"

    # A terminal of S002, paired and fully downloaded, holds none of them ...
    s002 = pair_terminal(server, tmp_path / "s002", store="S002", terminal_code="01")
    assert S001_ONLY_PHONE not in cached_phones(s002) and MEMBER_42_PHONE not in cached_phones(s002)

    # ... and finds the member when she is at its counter: a live look-up, logged with the device's store.
    found = s002.terminal.find_customers("080-1111-2222")
    assert [c.name for c in found] == [S001_ONLY["name"]]
    looks = server.call("GET", f"/v1/admin/customers/{member['id']}/access-log")
    assert any(look["store_code"] == "S002" and look["action"] == "search" for look in looks), looks

    # A member of S001 shopped at S002 (found live by her card number) a year ago: past the 90 days
    # (POSAPP_FEED_MEMBER_DAYS) the feed does not serve her there.
    s002.sell(PRODUCTS[1][0], member_no=MEMBER_NO)  # the test clock: 2025-11-22
    s002.agent.sync_once()
    assert s002.terminal.status().pending_events == 0
    assert MEMBER_42_PHONE not in whole_feed(server, "S002")

    # She shops there today: from then on S002's feed serves her.
    s002.clock.now = datetime.now(UTC)
    receipt = s002.sell(PRODUCTS[0][0], member_no=MEMBER_NO)
    s002.agent.sync_once()
    assert receipt
    later_terminal = pair_terminal(server, tmp_path / "s002b", store="S002", terminal_code="02")
    assert MEMBER_42_PHONE in cached_phones(later_terminal), "she shopped at S002 within the window"
    assert S001_ONLY_PHONE not in cached_phones(later_terminal), "the S001-only member still is not"
    for paired in (s002, later_terminal):
        paired.terminal.close()
