"""Every error the cashier can see, by message key, in words a cashier understands (Japanese source).

English comes from the translations file like every other label; this dict is the one place where
a ``DomainError.message_key`` becomes a sentence saying what happened and what to do.
"""

from __future__ import annotations

import logging

from posapp.domain.errors import DomainError
from posapp.ui.i18n import tr

log = logging.getLogger(__name__)

MESSAGES: dict[str, str] = {
    "error.backup.failed": "バックアップできませんでした。保存先とファイル名を確認してください。",
    "error.reset.unsent": "未送信の売上があるためリセットできません。サーバーに接続して送信してから行ってください。",
    "error.barcode.invalid": "バーコードを読み取れませんでした。もう一度スキャンしてください。",
    "error.product.unknown": "このバーコードは登録されていません。商品名で検索してください。",
    "error.quantity.invalid": "数量は1〜999で入力してください。",
    "error.price.invalid": "この価格は設定できません。金額を確認してください。",
    "error.discount.invalid": "この値引きはできません。金額を確認してください。",
    "error.tender.invalid": "この支払いは受け付けられません。現金以外はお預りが合計を超えられません。",
    "error.tender.insufficient": "お預りが足りません。残りの金額を入力してください。",
    "error.points.insufficient": "ポイントが足りません(オフライン時は上限があります)。使うポイントを減らしてください。",
    "error.cart.empty": "商品がありません。先に商品をスキャンしてください。",
    "error.cart.line_not_found": "その行はありません。明細を選び直してください。",
    "error.approval.required": "責任者の承認が必要です。責任者を呼んでください。",
    "error.approval.refused": "責任者コードまたは暗証番号が違います。",
    "error.clerk.sign_in_failed": "担当者コードまたは暗証番号が違います。",
    "error.clerk.locked": "暗証番号を5回間違えたため、5分間ロックされています。責任者を呼んでください。",
    "error.clerk.not_signed_in": "サインインしてください。",
    "error.customer.unknown": "この会員は見つかりません。会員番号・電話番号・お名前で検索してください。",
    "error.receipt.not_found": "このレシートはこのレジの取引ではありません。番号を確認してください。",
    "error.receipt.not_returnable": "このレシートは返品できません(取消済み・返品済み・数量超過)。",
    "error.terminal.not_configured": "このレジはまだ店舗に登録されていません。ペアリングしてください。",
    "error.cash.invalid": "金額は¥1〜¥10,000,000で入力してください。",
    "error.cash_count.invalid": "金種の枚数が正しくありません。",
    "error.setting.invalid": "設定の値が正しくありません。",
    "error.setting.language": "表示言語は日本語か英語を選んでください。",
    "error.setting.tax_rounding": "消費税の端数処理を一覧から選んでください。",
    "error.setting.offline_points_cap": "オフライン時のポイント利用上限は0〜1,000,000 ptで入力してください。",
    "error.setting.approval_discount_percent": "責任者承認が必要な値引率は0〜100%で入力してください。",
    "error.setting.footer_messages": "レシートのメッセージは5行まで、1行全角21文字(半角42文字)までで入力してください。",
    "error.closing.already_closed": "この期間の精算はすでに実行済みです。もう一度精算するときは確認してから実行してください。",
    "error.member.invalid": "お名前は必須です。電話番号・メールアドレスを確認してください。",
    "error.registration_number.invalid": "登録番号はTと13桁の数字です。",
    "error.database": "データベースを使用できません。管理者に連絡してください。",
    "error.database.unreadable": "データベースが壊れています。管理者に連絡してください。",
    "error.database.too_new": "このデータは新しいバージョンで作成されています。アプリを更新してください。",
    "error.database.full": "ディスクがいっぱいです。保存されていません。管理者に連絡してください。",
    "error.pairing.unavailable": "サーバーに接続できません。URLとペアリングコードを確認してください。",
    "error.sync.insecure": "サーバーのアドレスは https:// で始めてください(このPC上のサーバーを除く)。",
    "error.sync.address": "サーバーのアドレスに使えない文字(\\ や @ など)が含まれています。https://ホスト名:ポート の形で入力してください。",
    "error.keyring.missing": "端末の鍵を保管する場所(OSのキーリング)がありません。管理者に連絡してください。",
    "error.stock.invalid": "在庫の数量または理由が正しくありません。",
    "error.omni.offline": "サーバーにつながらないため、店舗受取の注文を確認できません。",
    "error.pickup.not_found": "この店舗で受け取り待ちの注文は見つかりません。番号を確認してください。",
    "error.pickup.refused": "この注文はお渡しできません(受取済み・取消済み・未払い)。",
    "error.coupon.offline": "オフラインのためクーポンを確認できません。",
    "error.coupon.invalid": "このクーポンは使えません(期限・条件・対象外)。",
    "error.coupon.used": "このクーポンはすでに使用されています。",
    "error.coupon.held": "このクーポンは他のレジの会計中です。そちらの会計が終わるか取り消されるまで使えません。",
    "error.points.held": "ポイントが足りません(他のレジやオンラインで使用中・使用済み)。使うポイントを減らしてください。",
    "error.printer.setting": "プリンターの設定が正しくありません(tcp://ホスト:9100 など)。",
    "error.printer.logo": "この画像はロゴに使えません。PNG・JPEG・BMPの画像(5MBまで)を選んでください。",
    "error.device.transport": "接続先が正しくありません。接続方法を選び直してください。",
    "error.device.host": "IPアドレス(例 192.168.1.50)またはホスト名を入力してください。",
    "error.device.port": "ポート番号は1〜65535で入力してください(通常は9100)。",
    "error.device.subnet": "探す範囲は 192.168.1.0/24 のように入力してください(/22より狭い範囲)。",
    "error.device.vendor": "ベンダーIDは4桁の16進数で入力してください(例 04b8)。",
    "error.device.product": "プロダクトIDは4桁の16進数で入力してください(例 0e15)。",
    "error.device.device": "シリアルポートは /dev/ttyUSB0 や COM3 のように入力してください。",
    "error.device.baudrate": "通信速度を一覧から選んでください。",
    "error.device.path": "ファイルは / から始まるパスで入力してください(例 /dev/usb/lp0)。",
    "error.device.columns": "用紙幅を一覧から選んでください。",
    "error.device.drawer_pin": "ドロアーのピンは2番か5番を選んでください。",
    "error.device.drawer_pulse_ms": "ドロアーのパルスは20〜500ミリ秒で入力してください。",
    "error.device.logo": "ロゴが用紙幅より広くなっています。ロゴ画像を選び直してください。",
    "error.device.qr_url": "QRコードのURLは https:// で始まる半角のアドレス(200文字まで)で入力してください。",
    "error.device.screen": "表示する画面を一覧から選んでください。",
    "error.device.line": "ポールディスプレイの接続先が正しくありません(例 serial:/dev/ttyUSB1)。",
    "error.device.message": "待機中のメッセージは1行・40文字までで入力してください。",
    "error.contact.invalid": "種類と件名(200文字まで)を入力してください。内容は4000文字までです。",
    "error.contact.unsent": "この件はまだサーバーに送信されていません。送信されてからメモを追加してください。",
    "error.contact.offline": "サーバーにつながらないため、メモを追加できません。接続が戻ってから追加してください。",
    "error.domain": "この操作はできません。",
}
PRINTER_MESSAGES: dict[str, str] = {
    "error.printer.offline": "プリンターにつながりません。取引は保存済みです。あとで再発行してください。",
    "error.printer.timeout": "プリンターが応答しません。取引は保存済みです。あとで再発行してください。",
    "error.printer.cover_open": "プリンターのカバーが開いています。閉じてから再発行してください。",
    "error.printer.paper_out": "レシート用紙がありません。補充してから再発行してください。",
    "error.printer.unknown": "レシートを印刷できませんでした。取引は保存済みです。",
}
UNEXPECTED = "予期しないエラーが発生しました。もう一度お試しください。"


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
