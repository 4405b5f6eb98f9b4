"""Device results in words (Japanese source, English from the translations file): test print, logo, status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from posapp.ui.i18n import QT_TR_NOOP, tr

if TYPE_CHECKING:
    from posapp.devices.printer import PrintResult
    from posapp.devices.status import PrinterState, PrinterStatus

TEST_PRINT: dict[str, str] = {
    "printer.ok": QT_TR_NOOP(
        "テスト印刷を送りました。定規の数字が欠けずに1行に並び、日本語が読めれば設定は正しいです。"
    ),
    "error.printer.offline": QT_TR_NOOP(
        "プリンターにつながりません。電源・ケーブル・接続先を確認してください。"
    ),
    "error.printer.timeout": QT_TR_NOOP("プリンターが応答しません。電源とネットワークを確認してください。"),
    "error.printer.cover_open": QT_TR_NOOP(
        "プリンターのカバーが開いています。閉じてからもう一度お試しください。"
    ),
    "error.printer.paper_out": QT_TR_NOOP("レシート用紙がありません。補充してからもう一度お試しください。"),
    "error.printer.unknown": QT_TR_NOOP("印刷できませんでした。プリンターのエラーランプを確認してください。"),
}
NO_PRINTER = QT_TR_NOOP("接続が「なし」です。プリンターの接続方法を選んでください。")
NEAR_END = QT_TR_NOOP("用紙が残りわずかです。早めに交換してください。")
STATUS: dict[str, tuple[str, str]] = {
    "cover_open": ("⚠", QT_TR_NOOP("プリンター: カバーが開いています")),
    "paper_out": ("⚠", QT_TR_NOOP("プリンター: 用紙切れ")),
    "error": ("⚠", QT_TR_NOOP("プリンター: エラー")),
    "offline": ("⚠", QT_TR_NOOP("プリンター: 接続できません")),
    "paper_near_end": ("▲", QT_TR_NOOP("プリンター: 用紙残りわずか")),
}
"""Icon and words for each state that needs someone (icon + text + colour, never colour alone)."""


def test_print_text(result: PrintResult, status: PrinterStatus | None, *, has_printer: bool) -> str:
    """What happened to a test print, and what to do."""
    if not has_printer:
        return tr(NO_PRINTER)
    text = tr(TEST_PRINT.get(result.message_key, TEST_PRINT["error.printer.unknown"]))
    if result.ok and status is not None and status.state.value == "paper_near_end":
        text += " " + tr(NEAR_END)
    return ("✔ " if result.ok else "⚠ ") + text


def logo_text(result: PrintResult | None) -> str:
    """What happened to the logo on saving ("" when it was not sent)."""
    if result is None:
        return ""
    if result.ok:
        return tr("ロゴをプリンターに登録しました。")
    return tr("ロゴをプリンターに登録できませんでした。登録できるまでレシートには画像として印刷します。")


def status_text(state: PrinterState) -> str:
    """The status bar's words for ``state`` ("" when nobody needs to act)."""
    icon, words = STATUS.get(state.value, ("", ""))
    return f"{icon} {tr(words)}" if words else ""
