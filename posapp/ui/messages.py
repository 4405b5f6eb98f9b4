"""Every error the cashier can see, by message key, in words a cashier understands (Japanese source).

English comes from the translations file like every other label; this dict is the one place where
a ``DomainError.message_key`` becomes a sentence saying what happened and what to do.
"""

from __future__ import annotations

import logging

from posapp.domain.errors import DomainError
from posapp.ui.i18n import QT_TR_NOOP, tr

log = logging.getLogger(__name__)

MESSAGES: dict[str, str] = {
    "error.backup.failed": QT_TR_NOOP("バックアップできませんでした。保存先とファイル名を確認してください。"),
    "error.reset.unsent": QT_TR_NOOP(
        "未送信の売上があるためリセットできません。サーバーに接続して送信してから行ってください。"
    ),
    "error.barcode.invalid": QT_TR_NOOP("バーコードを読み取れませんでした。もう一度スキャンしてください。"),
    "error.product.unknown": QT_TR_NOOP("このバーコードは登録されていません。商品名で検索してください。"),
    "error.quantity.invalid": QT_TR_NOOP("数量は1〜999で入力してください。"),
    "error.price.invalid": QT_TR_NOOP("この価格は設定できません。金額を確認してください。"),
    "error.discount.invalid": QT_TR_NOOP("この値引きはできません。金額を確認してください。"),
    "error.tender.invalid": QT_TR_NOOP(
        "この支払いは受け付けられません。現金以外はお預りが合計を超えられません。"
    ),
    "error.tender.insufficient": QT_TR_NOOP("お預りが足りません。残りの金額を入力してください。"),
    "error.points.insufficient": QT_TR_NOOP(
        "ポイントが足りません(オフライン時は上限があります)。使うポイントを減らしてください。"
    ),
    "error.cart.empty": "商品がありません。先に商品をスキャンしてください。",
    "error.cart.line_not_found": QT_TR_NOOP("その行はありません。明細を選び直してください。"),
    "error.approval.required": QT_TR_NOOP("責任者の承認が必要です。責任者を呼んでください。"),
    "error.approval.refused": QT_TR_NOOP("責任者コードまたは暗証番号が違います。"),
    "error.clerk.sign_in_failed": QT_TR_NOOP("担当者コードまたは暗証番号が違います。"),
    "error.clerk.locked": QT_TR_NOOP(
        "暗証番号を5回間違えたため、5分間ロックされています。責任者を呼んでください。"
    ),
    "error.clerk.not_signed_in": QT_TR_NOOP("サインインしてください。"),
    "error.customer.unknown": QT_TR_NOOP(
        "この会員は見つかりません。会員番号・電話番号・お名前で検索してください。"
    ),
    "error.receipt.not_found": QT_TR_NOOP(
        "このレシートはこのレジの取引ではありません。番号を確認してください。"
    ),
    "error.receipt.not_returnable": QT_TR_NOOP(
        "このレシートは返品できません(取消済み・返品済み・数量超過)。"
    ),
    "error.terminal.not_configured": QT_TR_NOOP(
        "このレジはまだ店舗に登録されていません。ペアリングしてください。"
    ),
    "error.cash.invalid": QT_TR_NOOP("金額は¥1〜¥10,000,000で入力してください。"),
    "error.cash_count.invalid": QT_TR_NOOP("金種の枚数が正しくありません。"),
    "error.setting.invalid": QT_TR_NOOP("設定の値が正しくありません。"),
    "error.setting.language": QT_TR_NOOP("表示言語は日本語か英語を選んでください。"),
    "error.setting.tax_rounding": QT_TR_NOOP("消費税の端数処理を一覧から選んでください。"),
    "error.setting.offline_points_cap": QT_TR_NOOP(
        "オフライン時のポイント利用上限は0〜1,000,000 ptで入力してください。"
    ),
    "error.setting.approval_discount_percent": QT_TR_NOOP(
        "責任者承認が必要な値引率は0〜100%で入力してください。"
    ),
    "error.setting.footer_messages": QT_TR_NOOP(
        "レシートのメッセージは5行まで、1行全角21文字(半角42文字)までで入力してください。"
    ),
    "error.closing.already_closed": QT_TR_NOOP(
        "この期間の精算はすでに実行済みです。もう一度精算するときは確認してから実行してください。"
    ),
    "error.member.invalid": QT_TR_NOOP("お名前は必須です。電話番号・メールアドレスを確認してください。"),
    "error.registration_number.invalid": QT_TR_NOOP("登録番号はTと13桁の数字です。"),
    "error.database": QT_TR_NOOP("データベースを使用できません。管理者に連絡してください。"),
    "error.database.unreadable": QT_TR_NOOP("データベースが壊れています。管理者に連絡してください。"),
    "error.database.too_new": QT_TR_NOOP(
        "このデータは新しいバージョンで作成されています。アプリを更新してください。"
    ),
    "error.database.full": QT_TR_NOOP(
        "ディスクがいっぱいです。保存されていません。管理者に連絡してください。"
    ),
    "error.pairing.unavailable": QT_TR_NOOP(
        "サーバーに接続できません。URLとペアリングコードを確認してください。"
    ),
    "error.sync.insecure": QT_TR_NOOP(
        "サーバーのアドレスは https:// で始めてください(このPC上のサーバーを除く)。"
    ),
    "error.sync.address": QT_TR_NOOP(
        "サーバーのアドレスに使えない文字(\\ や @ など)が含まれています。https://ホスト名:ポート の形で入力してください。"
    ),
    "error.keyring.missing": QT_TR_NOOP(
        "端末の鍵を保管する場所(OSのキーリング)がありません。管理者に連絡してください。"
    ),
    "error.stock.invalid": QT_TR_NOOP("在庫の数量または理由が正しくありません。"),
    "error.omni.offline": QT_TR_NOOP("サーバーにつながらないため、店舗受取の注文を確認できません。"),
    "error.pickup.not_found": QT_TR_NOOP(
        "この店舗で受け取り待ちの注文は見つかりません。番号を確認してください。"
    ),
    "error.pickup.refused": QT_TR_NOOP("この注文はお渡しできません(受取済み・取消済み・未払い)。"),
    "error.coupon.offline": QT_TR_NOOP("オフラインのためクーポンを確認できません。"),
    "error.coupon.invalid": QT_TR_NOOP("このクーポンは使えません(期限・条件・対象外)。"),
    "error.coupon.used": QT_TR_NOOP("このクーポンはすでに使用されています。"),
    "error.coupon.held": QT_TR_NOOP(
        "このクーポンは他のレジの会計中です。そちらの会計が終わるか取り消されるまで使えません。"
    ),
    "error.points.held": QT_TR_NOOP(
        "ポイントが足りません(他のレジやオンラインで使用中・使用済み)。使うポイントを減らしてください。"
    ),
    "error.printer.setting": QT_TR_NOOP("プリンターの設定が正しくありません(tcp://ホスト:9100 など)。"),
    "error.printer.logo": QT_TR_NOOP(
        "この画像はロゴに使えません。PNG・JPEG・BMPの画像(5MBまで)を選んでください。"
    ),
    "error.device.transport": QT_TR_NOOP("接続先が正しくありません。接続方法を選び直してください。"),
    "error.device.host": QT_TR_NOOP("IPアドレス(例 192.168.1.50)またはホスト名を入力してください。"),
    "error.device.port": QT_TR_NOOP("ポート番号は1〜65535で入力してください(通常は9100)。"),
    "error.device.subnet": QT_TR_NOOP(
        "探す範囲は 192.168.1.0/24 のように入力してください(/22より狭い範囲)。"
    ),
    "error.device.vendor": QT_TR_NOOP("ベンダーIDは4桁の16進数で入力してください(例 04b8)。"),
    "error.device.product": QT_TR_NOOP("プロダクトIDは4桁の16進数で入力してください(例 0e15)。"),
    "error.device.device": QT_TR_NOOP("シリアルポートは /dev/ttyUSB0 や COM3 のように入力してください。"),
    "error.device.baudrate": QT_TR_NOOP("通信速度を一覧から選んでください。"),
    "error.device.path": QT_TR_NOOP("ファイルは / から始まるパスで入力してください(例 /dev/usb/lp0)。"),
    "error.device.columns": QT_TR_NOOP("用紙幅を一覧から選んでください。"),
    "error.device.drawer_pin": QT_TR_NOOP("ドロアーのピンは2番か5番を選んでください。"),
    "error.device.drawer_pulse_ms": QT_TR_NOOP("ドロアーのパルスは20〜500ミリ秒で入力してください。"),
    "error.device.logo": QT_TR_NOOP("ロゴが用紙幅より広くなっています。ロゴ画像を選び直してください。"),
    "error.device.qr_url": QT_TR_NOOP(
        "QRコードのURLは https:// で始まる半角のアドレス(200文字まで)で入力してください。"
    ),
    "error.device.screen": QT_TR_NOOP("表示する画面を一覧から選んでください。"),
    "error.device.line": QT_TR_NOOP("ポールディスプレイの接続先が正しくありません(例 serial:/dev/ttyUSB1)。"),
    "error.device.message": QT_TR_NOOP("待機中のメッセージは1行・40文字までで入力してください。"),
    "error.contact.invalid": QT_TR_NOOP(
        "種類と件名(200文字まで)を入力してください。内容は4000文字までです。"
    ),
    "error.contact.unsent": QT_TR_NOOP(
        "この件はまだサーバーに送信されていません。送信されてからメモを追加してください。"
    ),
    "error.contact.offline": QT_TR_NOOP(
        "サーバーにつながらないため、メモを追加できません。接続が戻ってから追加してください。"
    ),
    "error.domain": QT_TR_NOOP("この操作はできません。"),
}
PRINTER_MESSAGES: dict[str, str] = {
    "error.printer.offline": QT_TR_NOOP(
        "プリンターにつながりません。取引は保存済みです。あとで再発行してください。"
    ),
    "error.printer.timeout": QT_TR_NOOP(
        "プリンターが応答しません。取引は保存済みです。あとで再発行してください。"
    ),
    "error.printer.cover_open": QT_TR_NOOP(
        "プリンターのカバーが開いています。閉じてから再発行してください。"
    ),
    "error.printer.paper_out": QT_TR_NOOP("レシート用紙がありません。補充してから再発行してください。"),
    "error.printer.unknown": QT_TR_NOOP("レシートを印刷できませんでした。取引は保存済みです。"),
}
UNEXPECTED = QT_TR_NOOP("予期しないエラーが発生しました。もう一度お試しください。")


def error_text(error: BaseException) -> str:
    """The cashier's sentence for ``error`` in the current language."""
    if isinstance(error, DomainError):
        source = MESSAGES.get(error.message_key)
        if source is None:
            log.warning("no cashier message for %s", error.message_key)
            source = MESSAGES["error.domain"]
        return tr(source)
    log.error("unexpected error", exc_info=error)
    return tr(UNEXPECTED)


def printer_text(message_key: str) -> str:
    """The cashier's sentence for a printer problem (the sale itself is always already stored)."""
    return tr(PRINTER_MESSAGES.get(message_key, PRINTER_MESSAGES["error.printer.unknown"]))


def needs_approval(error: BaseException) -> bool:
    """True when the action may be retried with a manager's approval."""
    return isinstance(error, DomainError) and error.message_key == "error.approval.required"
