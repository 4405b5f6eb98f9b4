"""A manager's settings change through the Terminal API: typed, checked before anything is stored,
audited with old and new values and who approved it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from posapp.domain.tax import Rounding
from posapp.services import Terminal
from posapp.services.counter_settings import InvalidSetting, SettingsChange
from posapp.services.errors import ApprovalRequired
from posapp.store.models import AuditEntry
from tests.services.conftest import MANAGER


def audits(terminal: Terminal) -> list[AuditEntry]:
    with terminal.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "settings_changed")))


def test_a_change_is_stored_and_audited(signed_in: Terminal) -> None:
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="settings")
    change = SettingsChange(
        tax_rounding=Rounding.HALF_UP, offline_points_cap=500, footer_messages=("またお越しください",)
    )
    settings = signed_in.change_settings(change, approval=approval)
    assert (settings.tax_rounding, settings.offline_points_cap) == ("half_up", 500)
    assert settings.footer_messages == ("またお越しください",)
    assert signed_in.reload_settings().offline_points_cap == 500  # read back from the file
    [entry] = audits(signed_in)
    assert (entry.clerk_code, entry.approved_by) == ("1001", MANAGER[0])
    assert entry.detail["changes"] == {
        "tax_rounding": ["down", "half_up"],
        "offline_points_cap": [1000, 500],
        "footer_messages": [["お買い上げありがとうございます"], ["またお越しください"]],
    }
    signed_in.change_settings(change, approval=approval)  # the same values again: nothing to record
    assert len(audits(signed_in)) == 1


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        (SettingsChange(offline_points_cap=-1), "offline_points_cap"),
        (SettingsChange(offline_points_cap=True), "offline_points_cap"),
        (SettingsChange(approval_discount_percent=101), "approval_discount_percent"),
        (SettingsChange(tax_rounding="banker"), "tax_rounding"),  # type: ignore[arg-type]
        (SettingsChange(language="fr"), "language"),
        (SettingsChange(footer_messages=("x" * 43,)), "footer_messages"),
        (SettingsChange(footer_messages=("あ" * 22,)), "footer_messages"),  # 44 columns
        (SettingsChange(footer_messages=("※" * 22,)), "footer_messages"),  # 44 columns on paper too
        (SettingsChange(footer_messages=("a",) * 6), "footer_messages"),
        (SettingsChange(footer_messages=("line\x1b[2J",)), "footer_messages"),
        (SettingsChange(footer_messages="one line"), "footer_messages"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_value_is_refused_and_nothing_changes(
    signed_in: Terminal, change: SettingsChange, setting: str
) -> None:
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="settings")
    before = signed_in.settings
    with pytest.raises(InvalidSetting) as refused:
        signed_in.change_settings(change, approval=approval)
    assert refused.value.setting == setting
    assert refused.value.message_key == f"error.setting.{setting}"
    assert signed_in.reload_settings() == before
    assert audits(signed_in) == []


def test_one_bad_value_stores_none_of_the_good_ones(signed_in: Terminal) -> None:
    approval = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="settings")
    with pytest.raises(InvalidSetting):
        signed_in.change_settings(
            SettingsChange(offline_points_cap=10, approval_discount_percent=500), approval=approval
        )
    assert signed_in.reload_settings().offline_points_cap == 1000


def test_a_cashier_needs_a_manager(signed_in: Terminal) -> None:
    with pytest.raises(ApprovalRequired):
        signed_in.change_settings(SettingsChange(offline_points_cap=0))
    assert signed_in.settings.offline_points_cap == 1000


def test_configure_refuses_unknown_keys_and_wrong_types(terminal: Terminal) -> None:
    with pytest.raises(KeyError):
        terminal.configure(store_cod="S002")
    with pytest.raises(TypeError):
        terminal.configure(offline_points_cap="500")
    assert terminal.settings.store_code == "S001"
