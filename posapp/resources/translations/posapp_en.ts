<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ja_JP">
<context>
    <name></name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>(接続されていません)</source>
        <translation>(not connected)</translation>
    </message>
    <message>
        <source>2番ピン</source>
        <translation>Pin 2</translation>
    </message>
    <message>
        <source>58 mm — 32桁</source>
        <translation>58 mm — 32 columns</translation>
    </message>
    <message>
        <source>5番ピン</source>
        <translation>Pin 5</translation>
    </message>
    <message>
        <source>80 mm — 42桁 (TM-T88 など)</source>
        <translation>80 mm — 42 columns (TM-T88 and similar)</translation>
    </message>
    <message>
        <source>80 mm — 48桁 (TM-T20・TM-m30 など)</source>
        <translation>80 mm — 48 columns (TM-T20, TM-m30 and similar)</translation>
    </message>
    <message>
        <source>IPアドレス</source>
        <translation>IP address</translation>
    </message>
    <message>
        <source>IPアドレス(例 192.168.1.50)またはホスト名を入力してください。</source>
        <translation>Enter an IP address (e.g. 192.168.1.50) or a host name.</translation>
    </message>
    <message>
        <source>OmniPOS レジ</source>
        <translation>OmniPOS Register</translation>
    </message>
    <message>
        <source>QRコードのURL(任意)</source>
        <translation>QR code address (optional)</translation>
    </message>
    <message>
        <source>QRコードのURLは https:// で始まる半角のアドレス(200文字まで)で入力してください。</source>
        <translation>Enter the QR code address starting with https:// (ASCII, up to 200 characters).</translation>
    </message>
    <message>
        <source>ありがとうございました</source>
        <translation>Thank you</translation>
    </message>
    <message>
        <source>お名前</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>お名前は必須です。電話番号・メールアドレスを確認してください。</source>
        <translation>A name is required. Check the phone number and e-mail address.</translation>
    </message>
    <message>
        <source>お支払い</source>
        <translation>Amount due</translation>
    </message>
    <message>
        <source>お釣り</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>お預り</source>
        <translation>Tendered</translation>
    </message>
    <message>
        <source>お預りが足りません。残りの金額を入力してください。</source>
        <translation>Not enough tendered. Enter the remaining amount.</translation>
    </message>
    <message>
        <source>お預り金額</source>
        <translation>Amount tendered</translation>
    </message>
    <message>
        <source>このデータは新しいバージョンで作成されています。アプリを更新してください。</source>
        <translation>This data was made by a newer version. Please update the app.</translation>
    </message>
    <message>
        <source>このバーコードは登録されていません。商品名で検索してください。</source>
        <translation>This barcode is not registered. Search by product name.</translation>
    </message>
    <message>
        <source>このビルドではペアリングできません。デモで開いてください。</source>
        <translation>Pairing is not available in this build. Open the demo instead.</translation>
    </message>
    <message>
        <source>このレシートはこのレジの取引ではありません。番号を確認してください。</source>
        <translation>This receipt is not from this register. Check the number.</translation>
    </message>
    <message>
        <source>このレシートは返品できません(取消済み・返品済み・数量超過)。</source>
        <translation>This receipt cannot be returned (voided, already returned, or too many).</translation>
    </message>
    <message>
        <source>このレジで登録(サーバー未送信)</source>
        <translation>Registered at this register (not yet sent to the server)</translation>
    </message>
    <message>
        <source>このレジのソフトウェアが古いため同期できません。更新してください(販売は続けられます)</source>
        <translation>This terminal&apos;s software is too old to sync: please update it (selling goes on offline)</translation>
    </message>
    <message>
        <source>このレジはまだ店舗に登録されていません。ペアリングしてください。</source>
        <translation>This register is not set up for a store yet. Please pair it.</translation>
    </message>
    <message>
        <source>このレジをリセット…</source>
        <translation>Reset this terminal…</translation>
    </message>
    <message>
        <source>この会員で会計</source>
        <translation>Use this member</translation>
    </message>
    <message>
        <source>この会員は見つかりません。会員番号・電話番号・お名前で検索してください。</source>
        <translation>Member not found. Search by member number, phone or name.</translation>
    </message>
    <message>
        <source>この価格は設定できません。金額を確認してください。</source>
        <translation>This price cannot be set. Check the amount.</translation>
    </message>
    <message>
        <source>この値引きはできません。金額を確認してください。</source>
        <translation>This discount is not allowed. Check the amount.</translation>
    </message>
    <message>
        <source>この操作はできません。</source>
        <translation>This action is not allowed.</translation>
    </message>
    <message>
        <source>この支払いは受け付けられません。現金以外はお預りが合計を超えられません。</source>
        <translation>This payment cannot be accepted. Only cash may exceed the total.</translation>
    </message>
    <message>
        <source>この期間の精算はすでに実行済みです。もう一度精算するときは確認してから実行してください。</source>
        <translation>This period has already been closed. To close it again, confirm that you mean it.</translation>
    </message>
    <message>
        <source>この期間はすでに精算済みです</source>
        <translation>This period has already been closed</translation>
    </message>
    <message>
        <source>この画像はロゴに使えません。PNG・JPEG・BMPの画像(5MBまで)を選んでください。</source>
        <translation>This file cannot be used as a logo. Choose a PNG, JPEG or BMP picture (up to 5 MB).</translation>
    </message>
    <message>
        <source>その行はありません。明細を選び直してください。</source>
        <translation>That line does not exist. Select the line again.</translation>
    </message>
    <message>
        <source>ちょうど</source>
        <translation>Exact</translation>
    </message>
    <message>
        <source>なし(画面のプレビューのみ)</source>
        <translation>None (on-screen preview only)</translation>
    </message>
    <message>
        <source>もう一度押すと、次の起動時にこのレジのデータを別フォルダーに移して初期画面から始めます。</source>
        <translation>Press again: at the next start this terminal&apos;s data is moved to a separate folder and it starts from the first screen.</translation>
    </message>
    <message>
        <source>もう一度精算する</source>
        <translation>Close again</translation>
    </message>
    <message>
        <source>もう一度精算すると、新しい精算番号で記録されます。二度押しでなければ選んでください。</source>
        <translation>Closing again records a new Z number. Choose it only if this was not a double press.</translation>
    </message>
    <message>
        <source>やめる</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>イートイン</source>
        <translation>eat-in</translation>
    </message>
    <message>
        <source>オフライン</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>オフラインでも登録できます。サーバーには後で送信されます。</source>
        <translation>Works offline too; the server is told later.</translation>
    </message>
    <message>
        <source>オフライン時のポイント利用上限</source>
        <translation>Points limit while offline</translation>
    </message>
    <message>
        <source>オフライン時のポイント利用上限は0〜1,000,000 ptで入力してください。</source>
        <translation>Enter an offline points limit from 0 to 1,000,000 pt.</translation>
    </message>
    <message>
        <source>オンライン</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>カット</source>
        <translation>Cutter</translation>
    </message>
    <message>
        <source>カットしない</source>
        <translation>No cut</translation>
    </message>
    <message>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>コード</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>ゴールド</source>
        <translation>Gold</translation>
    </message>
    <message>
        <source>サインアウト</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>サポート用</source>
        <translation>For support</translation>
    </message>
    <message>
        <source>サーバーのソフトウェアが古いため同期できません。本部に連絡してください(販売は続けられます)</source>
        <translation>The server&apos;s software is older than this terminal&apos;s and cannot sync: call head office (selling goes on offline)</translation>
    </message>
    <message>
        <source>シリアル (RS-232C)</source>
        <translation>Serial (RS-232C)</translation>
    </message>
    <message>
        <source>シリアルポートは /dev/ttyUSB0 や COM3 のように入力してください。</source>
        <translation>Enter the serial port like /dev/ttyUSB0 or COM3.</translation>
    </message>
    <message>
        <source>テスト印刷</source>
        <translation>Test print</translation>
    </message>
    <message>
        <source>テスト印刷を送りました。定規の数字が欠けずに1行に並び、日本語が読めれば設定は正しいです。</source>
        <translation>Test page sent to the printer. If the ruler of digits prints whole on one line and the Japanese is legible, the setup is right.</translation>
    </message>
    <message>
        <source>デモ: 担当者 1001 / 暗証番号 1234（店長 9001 / 9999）</source>
        <translation>Demo: clerk 1001 / PIN 1234 (manager 9001 / 9999)</translation>
    </message>
    <message>
        <source>サーバーのアドレスは https:// で始めてください(このPC上のサーバーを除く)。</source>
        <translation>The server address must start with https:// (unless the server runs on this PC).</translation>
    </message>
    <message>
        <source>サーバーのアドレスに使えない文字(\ や @ など)が含まれています。https://ホスト名:ポート の形で入力してください。</source>
        <translation>The server address contains characters it cannot have (such as \ or @). Enter it as https://host:port.</translation>
    </message>
    <message>
        <source>データベースをバックアップ</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <source>ドロアー</source>
        <translation>Cash drawer</translation>
    </message>
    <message>
        <source>ドロアーのパルスは20〜500ミリ秒で入力してください。</source>
        <translation>Enter a drawer pulse from 20 to 500 ms.</translation>
    </message>
    <message>
        <source>ドロアーのピンは2番か5番を選んでください。</source>
        <translation>Choose drawer pin 2 or 5.</translation>
    </message>
    <message>
        <source>ドロアーも開けて確かめる</source>
        <translation>Open the drawer too</translation>
    </message>
    <message>
        <source>ネットワーク (LAN)</source>
        <translation>Network (LAN)</translation>
    </message>
    <message>
        <source>ネットワークのプリンターを探す</source>
        <translation>Find printers on the network</translation>
    </message>
    <message>
        <source>ネットワークを探しています…</source>
        <translation>Searching the network…</translation>
    </message>
    <message>
        <source>バックアップ</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>バックアップできませんでした。保存先とファイル名を確認してください。</source>
        <translation>The backup could not be made. Check the folder and the file name.</translation>
    </message>
    <message>
        <source>バージョン</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>パス</source>
        <translation>Path</translation>
    </message>
    <message>
        <source>パーシャルカット</source>
        <translation>Partial cut</translation>
    </message>
    <message>
        <source>ファイルは / から始まるパスで入力してください(例 /dev/usb/lp0)。</source>
        <translation>Enter a path starting with / (e.g. /dev/usb/lp0).</translation>
    </message>
    <message>
        <source>ファイル・デバイス</source>
        <translation>File or device</translation>
    </message>
    <message>
        <source>フルカット</source>
        <translation>Full cut</translation>
    </message>
    <message>
        <source>プリンター</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>プリンター: エラー</source>
        <translation>Printer: error</translation>
    </message>
    <message>
        <source>プリンター: カバーが開いています</source>
        <translation>Printer: cover open</translation>
    </message>
    <message>
        <source>プリンター: 接続できません</source>
        <translation>Printer: not reachable</translation>
    </message>
    <message>
        <source>プリンター: 用紙切れ</source>
        <translation>Printer: out of paper</translation>
    </message>
    <message>
        <source>プリンター: 用紙残りわずか</source>
        <translation>Printer: paper low</translation>
    </message>
    <message>
        <source>プリンターが応答しません。電源とネットワークを確認してください。</source>
        <translation>The printer does not answer. Check its power and the network.</translation>
    </message>
    <message>
        <source>プリンターにつながりません。電源・ケーブル・接続先を確認してください。</source>
        <translation>Cannot reach the printer. Check its power, cable and address.</translation>
    </message>
    <message>
        <source>プリンターに登録済み</source>
        <translation>Stored in the printer</translation>
    </message>
    <message>
        <source>プリンターのカバーが開いています。閉じてからもう一度お試しください。</source>
        <translation>The printer&apos;s cover is open. Close it and try again.</translation>
    </message>
    <message>
        <source>プリンターの状態を見守る(用紙切れ・カバー開など)</source>
        <translation>Watch the printer (paper out, cover open, …)</translation>
    </message>
    <message>
        <source>プリンター・客面表示の設定</source>
        <translation>Printer and customer display</translation>
    </message>
    <message>
        <source>プリンター・客面表示の設定…</source>
        <translation>Printer and customer display…</translation>
    </message>
    <message>
        <source>プロダクトID</source>
        <translation>Product ID</translation>
    </message>
    <message>
        <source>プロダクトIDは4桁の16進数で入力してください(例 0e15)。</source>
        <translation>Enter the product ID as four hexadecimal digits (e.g. 0e15).</translation>
    </message>
    <message>
        <source>ベンダーID</source>
        <translation>Vendor ID</translation>
    </message>
    <message>
        <source>ベンダーIDは4桁の16進数で入力してください(例 04b8)。</source>
        <translation>Enter the vendor ID as four hexadecimal digits (e.g. 04b8).</translation>
    </message>
    <message>
        <source>ポート</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>ポート番号は1〜65535で入力してください(通常は9100)。</source>
        <translation>Enter a port from 1 to 65535 (usually 9100).</translation>
    </message>
    <message>
        <source>ポールディスプレイ(2行×20桁)</source>
        <translation>Pole display (2 × 20)</translation>
    </message>
    <message>
        <source>ポールディスプレイの接続先が正しくありません(例 serial:/dev/ttyUSB1)。</source>
        <translation>The pole display connection is not valid (e.g. serial:/dev/ttyUSB1).</translation>
    </message>
    <message>
        <source>リセット</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>リセットを受け付けました。アプリを終了して起動し直してください。</source>
        <translation>Reset recorded. Close the app and start it again.</translation>
    </message>
    <message>
        <source>レシートのメッセージは5行まで、1行全角21文字(半角42文字)までで入力してください。</source>
        <translation>Receipt messages: up to 5 lines of up to 42 columns (21 full-width characters) each.</translation>
    </message>
    <message>
        <source>レシート用紙がありません。補充してからもう一度お試しください。</source>
        <translation>The printer is out of paper. Load a roll and try again.</translation>
    </message>
    <message>
        <source>レシート番号のQRコード(返品のときに読み取り)</source>
        <translation>QR code of the receipt number (scanned for returns)</translation>
    </message>
    <message>
        <source>ロゴ</source>
        <translation>Logo</translation>
    </message>
    <message>
        <source>ロゴが用紙幅より広くなっています。ロゴ画像を選び直してください。</source>
        <translation>The logo is wider than the paper. Choose the logo picture again.</translation>
    </message>
    <message>
        <source>ロゴなし</source>
        <translation>No logo</translation>
    </message>
    <message>
        <source>ロゴをプリンターに登録しました。</source>
        <translation>Logo stored in the printer.</translation>
    </message>
    <message>
        <source>ロゴをプリンターに登録できませんでした。登録できるまでレシートには画像として印刷します。</source>
        <translation>The logo could not be stored in the printer. Receipts carry it as a picture until it can be.</translation>
    </message>
    <message>
        <source>ロゴを外す</source>
        <translation>Remove logo</translation>
    </message>
    <message>
        <source>ロゴ画像のファイル (PNG・JPEG・BMP)</source>
        <translation>Logo picture file (PNG, JPEG, BMP)</translation>
    </message>
    <message>
        <source>ロゴ画像を選ぶ</source>
        <translation>Choose the logo picture</translation>
    </message>
    <message>
        <source>保存しています…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>保存しました: </source>
        <translation>Saved: </translation>
    </message>
    <message>
        <source>保存しました。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>保存するとプリンターに登録します(登録までは画像として印刷します)</source>
        <translation>Stored in the printer when you save (printed as a picture until then)</translation>
    </message>
    <message>
        <source>保守</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>印刷しています…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>印刷できませんでした。プリンターのエラーランプを確認してください。</source>
        <translation>Nothing was printed. Check the printer&apos;s error light.</translation>
    </message>
    <message>
        <source>印字方式</source>
        <translation>Print mode</translation>
    </message>
    <message>
        <source>参照…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>実在高</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>客面表示</source>
        <translation>Customer display</translation>
    </message>
    <message>
        <source>客面表示ウィンドウを出す</source>
        <translation>Show the customer display window</translation>
    </message>
    <message>
        <source>店内飲食 10%</source>
        <translation>Eat-in 10%</translation>
    </message>
    <message>
        <source>店舗受取 代金</source>
        <translation>Pickup orders paid</translation>
    </message>
    <message>
        <source>待機中のメッセージ</source>
        <translation>Message while idle</translation>
    </message>
    <message>
        <source>待機中のメッセージは1行・40文字までで入力してください。</source>
        <translation>Enter the idle message as one line of up to 40 characters.</translation>
    </message>
    <message>
        <source>戻る</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>持ち帰り 8%</source>
        <translation>Take-out 8%</translation>
    </message>
    <message>
        <source>探す範囲</source>
        <translation>Search range</translation>
    </message>
    <message>
        <source>探す範囲は 192.168.1.0/24 のように入力してください(/22より狭い範囲)。</source>
        <translation>Enter the search range like 192.168.1.0/24 (/22 or narrower).</translation>
    </message>
    <message>
        <source>接続</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>接続が「なし」です。プリンターの接続方法を選んでください。</source>
        <translation>The connection is &quot;None&quot;. Choose how the printer is connected.</translation>
    </message>
    <message>
        <source>接続先が正しくありません。接続方法を選び直してください。</source>
        <translation>The connection is not valid. Choose the connection again.</translation>
    </message>
    <message>
        <source>未送信の売上があるためリセットできません。サーバーに接続して送信してから行ってください。</source>
        <translation>Sales not yet sent to the server: connect and let them go up before resetting.</translation>
    </message>
    <message>
        <source>次へ</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>消費税の端数処理を一覧から選んでください。</source>
        <translation>Choose the tax rounding from the list.</translation>
    </message>
    <message>
        <source>漢字を表示できる機種(日本向けモデル)</source>
        <translation>Model shows Kanji (Japanese model)</translation>
    </message>
    <message>
        <source>漢字テキスト(漢字フォント内蔵機)</source>
        <translation>Kanji text (printers with a Kanji font)</translation>
    </message>
    <message>
        <source>現金売上</source>
        <translation>cash sales</translation>
    </message>
    <message>
        <source>現金返金</source>
        <translation>cash refunds</translation>
    </message>
    <message>
        <source>用紙が残りわずかです。早めに交換してください。</source>
        <translation>The paper is running low. Replace the roll soon.</translation>
    </message>
    <message>
        <source>用紙幅</source>
        <translation>Paper width</translation>
    </message>
    <message>
        <source>用紙幅を一覧から選んでください。</source>
        <translation>Choose a paper width from the list.</translation>
    </message>
    <message>
        <source>画像で印刷(ラスター:漢字フォントのない機種)</source>
        <translation>As a picture (raster: printers without a Kanji font)</translation>
    </message>
    <message>
        <source>画面</source>
        <translation>Screen</translation>
    </message>
    <message>
        <source>画面が1台しかありません。2台目をつなぐと、ここで選べます。</source>
        <translation>Only one screen is connected. Connect a second one to choose it here.</translation>
    </message>
    <message>
        <source>端末の鍵を保管する場所(OSのキーリング)がありません。管理者に連絡してください。</source>
        <translation>There is no OS keyring to keep this terminal&apos;s key. Please call your administrator.</translation>
    </message>
    <message>
        <source>プリンターの設定が正しくありません(tcp://ホスト:9100 など)。</source>
        <translation>The printer setting is not valid (e.g. tcp://host:9100).</translation>
    </message>
    <message>
        <source>プリンターにつながりません。取引は保存済みです。あとで再発行してください。</source>
        <translation>The printer cannot be reached. The sale is saved; reprint it later.</translation>
    </message>
    <message>
        <source>プリンターが応答しません。取引は保存済みです。あとで再発行してください。</source>
        <translation>The printer does not answer. The sale is saved; reprint it later.</translation>
    </message>
    <message>
        <source>プリンターのカバーが開いています。閉じてから再発行してください。</source>
        <translation>The printer cover is open. Close it, then reprint.</translation>
    </message>
    <message>
        <source>レシート用紙がありません。補充してから再発行してください。</source>
        <translation>The printer is out of paper. Refill it, then reprint.</translation>
    </message>
    <message>
        <source>レシートを印刷できませんでした。取引は保存済みです。</source>
        <translation>The receipt could not be printed. The sale is saved.</translation>
    </message>
    <message>
        <source>切り捨て</source>
        <translation>Round down</translation>
    </message>
    <message>
        <source>四捨五入</source>
        <translation>Round half up</translation>
    </message>
    <message>
        <source>切り上げ</source>
        <translation>Round up</translation>
    </message>
    <message>
        <source>レシートプリンター</source>
        <translation>Receipt printer</translation>
    </message>
    <message>
        <source>消費税の端数処理</source>
        <translation>Tax rounding</translation>
    </message>
    <message>
        <source>レシートのメッセージ</source>
        <translation>Receipt message</translation>
    </message>
    <message>
        <source>サーバー</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>未接続(デモ)</source>
        <translation>Not connected (demo)</translation>
    </message>
    <message>
        <source>在庫の数量または理由が正しくありません。</source>
        <translation>The stock quantity or reason is not valid.</translation>
    </message>
    <message>
        <source>このレジの記録</source>
        <translation>this register&apos;s records</translation>
    </message>
    <message>
        <source>サーバー(最新)</source>
        <translation>server (live)</translation>
    </message>
    <message>
        <source>入荷</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>品名・JAN・SKU</source>
        <translation>Name, JAN or SKU</translation>
    </message>
    <message>
        <source>在庫を更新</source>
        <translation>Update stock</translation>
    </message>
    <message>
        <source>売れ筋</source>
        <translation>Top products</translation>
    </message>
    <message>
        <source>時</source>
        <translation>Hour</translation>
    </message>
    <message>
        <source>未送信の記録があります。サーバーにつながったら自動で送信されます。</source>
        <translation>Some records are not sent yet. They will be sent automatically when the server answers.</translation>
    </message>
    <message>
        <source>本日</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>本日の数字</source>
        <translation>Today&apos;s numbers</translation>
    </message>
    <message>
        <source>棚卸</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>発注点を下回った商品</source>
        <translation>Below reorder point</translation>
    </message>
    <message>
        <source>直近7日</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>破損</source>
        <translation>Damaged</translation>
    </message>
    <message>
        <source>確認が必要な項目はありません</source>
        <translation>Nothing needs attention</translation>
    </message>
    <message>
        <source>精算する</source>
        <translation>Close the period</translation>
    </message>
    <message>
        <source>精算の確認</source>
        <translation>Confirm the Z report</translation>
    </message>
    <message>
        <source>精算は実行されませんでした(精算済み)。</source>
        <translation>The Z report was not run (already closed).</translation>
    </message>
    <message>
        <source>精算を実行しますか? 実行すると、この期間は締められます。</source>
        <translation>Run the Z report? The period will be closed.</translation>
    </message>
    <message>
        <source>精算済み</source>
        <translation>Already closed</translation>
    </message>
    <message>
        <source>紛失</source>
        <translation>Lost</translation>
    </message>
    <message>
        <source>表示する画面</source>
        <translation>Screen</translation>
    </message>
    <message>
        <source>表示する画面を一覧から選んでください。</source>
        <translation>Choose a screen from the list.</translation>
    </message>
    <message>
        <source>表示言語は日本語か英語を選んでください。</source>
        <translation>Choose Japanese or English.</translation>
    </message>
    <message>
        <source>要確認</source>
        <translation>Attention</translation>
    </message>
    <message>
        <source>見つかったプリンター</source>
        <translation>Printers found</translation>
    </message>
    <message>
        <source>見つかりませんでした</source>
        <translation>None found</translation>
    </message>
    <message>
        <source>診断情報を書き出す</source>
        <translation>Export diagnostics</translation>
    </message>
    <message>
        <source>設定の値が正しくありません。</source>
        <translation>A setting has a value that cannot be used.</translation>
    </message>
    <message>
        <source>該当する商品がありません</source>
        <translation>No matching product</translation>
    </message>
    <message>
        <source>オフライン中のポイント利用</source>
        <translation>Points used offline</translation>
    </message>
    <message>
        <source>ポイント利用</source>
        <translation>Points used</translation>
    </message>
    <message>
        <source>付与</source>
        <translation>earned</translation>
    </message>
    <message>
        <source>会員売上比</source>
        <translation>Member sales share</translation>
    </message>
    <message>
        <source>印刷できなかったレシート</source>
        <translation>Receipt not printed</translation>
    </message>
    <message>
        <source>在庫がマイナス</source>
        <translation>Negative stock</translation>
    </message>
    <message>
        <source>客単価</source>
        <translation>Average basket</translation>
    </message>
    <message>
        <source>旧価格での販売</source>
        <translation>Sold at an old price</translation>
    </message>
    <message>
        <source>読み込む</source>
        <translation>Load</translation>
    </message>
    <message>
        <source>責任者承認が必要な値引率は0〜100%で入力してください。</source>
        <translation>Enter the discount rate that needs a manager as 0–100 %.</translation>
    </message>
    <message>
        <source>送信できなかった記録</source>
        <translation>Record the server refused</translation>
    </message>
    <message>
        <source>サーバーにつながらないため、店舗受取の注文を確認できません。</source>
        <translation>The server cannot be reached, so pickup orders cannot be checked.</translation>
    </message>
    <message>
        <source>この店舗で受け取り待ちの注文は見つかりません。番号を確認してください。</source>
        <translation>No pickup order waiting at this store. Check the number.</translation>
    </message>
    <message>
        <source>この注文はお渡しできません(受取済み・取消済み・未払い)。</source>
        <translation>This order cannot be handed over (collected, cancelled or unpaid).</translation>
    </message>
    <message>
        <source>オフラインのためクーポンを確認できません。</source>
        <translation>Offline: the coupon cannot be checked.</translation>
    </message>
    <message>
        <source>このクーポンは使えません(期限・条件・対象外)。</source>
        <translation>This coupon cannot be used (expired, conditions or items not eligible).</translation>
    </message>
    <message>
        <source>このクーポンはすでに使用されています。</source>
        <translation>This coupon has already been used.</translation>
    </message>
    <message>
        <source>このクーポンは他のレジの会計中です。そちらの会計が終わるか取り消されるまで使えません。</source>
        <translation>This coupon is on a sale at another register. It can be used once that sale is finished or cancelled.</translation>
    </message>
    <message>
        <source>ポイントが足りません(他のレジやオンラインで使用中・使用済み)。使うポイントを減らしてください。</source>
        <translation>Not enough points: they are being used, or were used, at another register or online. Use fewer points.</translation>
    </message>
    <message>
        <source>受取期限を過ぎた注文</source>
        <translation>Pickup overdue</translation>
    </message>
    <message>
        <source>店舗受取</source>
        <translation>Store pickup</translation>
    </message>
    <message>
        <source>会員カード・注文番号をスキャン</source>
        <translation>Scan member card or order number</translation>
    </message>
    <message>
        <source>お渡し</source>
        <translation>Hand over</translation>
    </message>
    <message>
        <source>受け取り待ちの注文はありません</source>
        <translation>No pickups waiting</translation>
    </message>
    <message>
        <source>店頭払い</source>
        <translation>pay here</translation>
    </message>
    <message>
        <source>支払済</source>
        <translation>paid</translation>
    </message>
    <message>
        <source>期限超過</source>
        <translation>overdue</translation>
    </message>
    <message>
        <source>クーポンを適用しました</source>
        <translation>Coupon applied</translation>
    </message>
    <message>
        <source>受取</source>
        <translation>Pickup</translation>
    </message>
    <message>
        <source>オンラインで気になる商品</source>
        <translation>Looked at online</translation>
    </message>
    <message>
        <source>よく買う分類</source>
        <translation>Favourite categories</translation>
    </message>
    <message>
        <source>カート</source>
        <translation>cart</translation>
    </message>
    <message>
        <source>通信速度</source>
        <translation>Baud rate</translation>
    </message>
    <message>
        <source>通信速度を一覧から選んでください。</source>
        <translation>Choose a baud rate from the list.</translation>
    </message>
    <message>
        <source>閲覧</source>
        <translation>viewed</translation>
    </message>
    <message>
        <source>サインイン</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>サインインしてください。</source>
        <translation>Please sign in.</translation>
    </message>
    <message>
        <source>サーバーURL</source>
        <translation>Server URL</translation>
    </message>
    <message>
        <source>サーバーに接続できません。URLとペアリングコードを確認してください。</source>
        <translation>Cannot reach the server. Check the URL and the pairing code.</translation>
    </message>
    <message>
        <source>シルバー</source>
        <translation>Silver</translation>
    </message>
    <message>
        <source>スキャン・商品コード・品名で検索</source>
        <translation>Scan, or type a code or product name</translation>
    </message>
    <message>
        <source>ディスクがいっぱいです。保存されていません。管理者に連絡してください。</source>
        <translation>The disk is full. Nothing was saved. Call the administrator.</translation>
    </message>
    <message>
        <source>デモデータで開く</source>
        <translation>Open with demo data</translation>
    </message>
    <message>
        <source>データベースが壊れています。管理者に連絡してください。</source>
        <translation>The database is damaged. Call the administrator.</translation>
    </message>
    <message>
        <source>データベースを使用できません。管理者に連絡してください。</source>
        <translation>The database cannot be used. Call the administrator.</translation>
    </message>
    <message>
        <source>バーコードを読み取れませんでした。もう一度スキャンしてください。</source>
        <translation>The barcode could not be read. Scan it again.</translation>
    </message>
    <message>
        <source>フリガナ</source>
        <translation>Name (kana)</translation>
    </message>
    <message>
        <source>ブロンズ</source>
        <translation>Bronze</translation>
    </message>
    <message>
        <source>プロフィール</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>ペアリング</source>
        <translation>Pair</translation>
    </message>
    <message>
        <source>ペアリングコード</source>
        <translation>Pairing code</translation>
    </message>
    <message>
        <source>ポイント</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>ポイントが足りません(オフライン時は上限があります)。使うポイントを減らしてください。</source>
        <translation>Not enough points (there is a limit while offline). Use fewer points.</translation>
    </message>
    <message>
        <source>ポイント使用</source>
        <translation>Use points</translation>
    </message>
    <message>
        <source>ポイント値引</source>
        <translation>Points discount</translation>
    </message>
    <message>
        <source>メール</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>レシートのバーコードをスキャン、または番号を入力</source>
        <translation>Scan the receipt barcode or type its number</translation>
    </message>
    <message>
        <source>レジ</source>
        <translation>Register </translation>
    </message>
    <message>
        <source>商品マスタを受信しています（{done} / {total} 件）</source>
        <translation>Downloading the product catalog ({done} / {total} rows)</translation>
    </message>
    <message>
        <source>中断したところから続けています。</source>
        <translation>Continuing from where it stopped.</translation>
    </message>
    <message>
        <source>残り時間を計算しています…</source>
        <translation>Working out the time left…</translation>
    </message>
    <message>
        <source>残り 約{minutes}分{seconds}秒</source>
        <translation>About {minutes} min {seconds} s left</translation>
    </message>
    <message>
        <source>レジの初期設定</source>
        <translation>Register setup</translation>
    </message>
    <message>
        <source>一般</source>
        <translation>Regular</translation>
    </message>
    <message>
        <source>不足</source>
        <translation>short</translation>
    </message>
    <message>
        <source>予期しないエラーが発生しました。もう一度お試しください。</source>
        <translation>Something unexpected went wrong. Please try again.</translation>
    </message>
    <message>
        <source>件</source>
        <translation> </translation>
    </message>
    <message>
        <source>会員</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>会員を選んでください。</source>
        <translation>Choose a member.</translation>
    </message>
    <message>
        <source>会員カードをスキャン</source>
        <translation>Scan a member card</translation>
    </message>
    <message>
        <source>会員番号・電話番号・お名前(カナ可)</source>
        <translation>Member no., phone or name (kana works)</translation>
    </message>
    <message>
        <source>会計</source>
        <translation>Pay</translation>
    </message>
    <message>
        <source>会計中の取引があります。保留してから呼び出してください。</source>
        <translation>A sale is in progress. Suspend it first, then resume.</translation>
    </message>
    <message>
        <source>会計完了</source>
        <translation>Complete sale</translation>
    </message>
    <message>
        <source>使用</source>
        <translation>using</translation>
    </message>
    <message>
        <source>使用ポイント</source>
        <translation>Points to use</translation>
    </message>
    <message>
        <source>価格</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <source>保留しました。F6で呼び出せます。</source>
        <translation>Sale suspended. Press F6 to resume it.</translation>
    </message>
    <message>
        <source>保留中の取引はありません。</source>
        <translation>No suspended sales.</translation>
    </message>
    <message>
        <source>保留呼出</source>
        <translation>Resume a suspended sale</translation>
    </message>
    <message>
        <source>値引</source>
        <translation>Discount</translation>
    </message>
    <message>
        <source>値引額(例 50)または率(例 10%)を入力してからF4を押してください。</source>
        <translation>Type an amount (e.g. 50) or a rate (e.g. 10%), then press F4.</translation>
    </message>
    <message>
        <source>先に会員カードをスキャンしてください。</source>
        <translation>Scan a member card first.</translation>
    </message>
    <message>
        <source>入出金</source>
        <translation>Cash in/out</translation>
    </message>
    <message>
        <source>入金</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <source>内税</source>
        <translation>tax incl.</translation>
    </message>
    <message>
        <source>出金</source>
        <translation>Cash out</translation>
    </message>
    <message>
        <source>利用可能</source>
        <translation>Available</translation>
    </message>
    <message>
        <source>単価</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>合計</source>
        <translation>TOTAL</translation>
    </message>
    <message>
        <source>呼出</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>品名・カナ・コードの一部</source>
        <translation>Part of a name, kana or code</translation>
    </message>
    <message>
        <source>商品がありません。先に商品をスキャンしてください。</source>
        <translation>No items yet. Scan an item first.</translation>
    </message>
    <message>
        <source>商品名</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>商品検索</source>
        <translation>Product search</translation>
    </message>
    <message>
        <source>在庫</source>
        <translation>Stock</translation>
    </message>
    <message>
        <source>客数</source>
        <translation>Customers</translation>
    </message>
    <message>
        <source>対象</source>
        <translation> taxable</translation>
    </message>
    <message>
        <source>店舗・EC共通</source>
        <translation>store &amp; online</translation>
    </message>
    <message>
        <source>戻る (Esc)</source>
        <translation>Back (Esc)</translation>
    </message>
    <message>
        <source>承認</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>承認番号(カード番号は入力しない)</source>
        <translation>Approval code (never the card number)</translation>
    </message>
    <message>
        <source>担当</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>担当者コード</source>
        <translation>Clerk code</translation>
    </message>
    <message>
        <source>担当者コードまたは暗証番号が違います。</source>
        <translation>Wrong clerk code or PIN.</translation>
    </message>
    <message>
        <source>支払取消</source>
        <translation>Remove payment</translation>
    </message>
    <message>
        <source>支払額</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>数字の後にF3で数量、F4で値引、F8でポイントです。</source>
        <translation>After a number: F3 quantity, F4 discount, F8 points.</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <source>数量は1〜999で入力してください。</source>
        <translation>Enter a quantity from 1 to 999.</translation>
    </message>
    <message>
        <source>数量を入力してからF3を押してください。</source>
        <translation>Type the quantity, then press F3.</translation>
    </message>
    <message>
        <source>新規会員登録</source>
        <translation>New member</translation>
    </message>
    <message>
        <source>時点</source>
        <translation>as of</translation>
    </message>
    <message>
        <source>暗証番号</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>暗証番号を5回間違えたため、5分間ロックされています。責任者を呼んでください。</source>
        <translation>Locked for 5 minutes after 5 wrong PINs. Call a manager.</translation>
    </message>
    <message>
        <source>最終同期</source>
        <translation>last sync</translation>
    </message>
    <message>
        <source>最終来店</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>最近の購入</source>
        <translation>Recent purchases</translation>
    </message>
    <message>
        <source>未送信</source>
        <translation>Unsent</translation>
    </message>
    <message>
        <source>本部で発行したペアリングコードを入力して、このレジを店舗に登録します。</source>
        <translation>Enter the pairing code from head office to register this terminal with its store.</translation>
    </message>
    <message>
        <source>枚数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>検索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>検索・360°</source>
        <translation>Search &amp; 360°</translation>
    </message>
    <message>
        <source>次回釣銭準備金</source>
        <translation>Next opening float</translation>
    </message>
    <message>
        <source>残り</source>
        <translation>Remaining</translation>
    </message>
    <message>
        <source>残高</source>
        <translation>Balance</translation>
    </message>
    <message>
        <source>点</source>
        <translation> items</translation>
    </message>
    <message>
        <source>点数</source>
        <translation>Items</translation>
    </message>
    <message>
        <source>点検 (X)</source>
        <translation>X report</translation>
    </message>
    <message>
        <source>現金</source>
        <translation>Cash</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>理論現金</source>
        <translation>Expected cash</translation>
    </message>
    <message>
        <source>登録する</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>登録番号はTと13桁の数字です。</source>
        <translation>A registration number is T and 13 digits.</translation>
    </message>
    <message>
        <source>確定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>確定 (Enter)</source>
        <translation>OK (Enter)</translation>
    </message>
    <message>
        <source>管理</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>精算</source>
        <translation>Closing</translation>
    </message>
    <message>
        <source>精算 (Z)</source>
        <translation>Z closing</translation>
    </message>
    <message>
        <source>精算を実行</source>
        <translation>Run Z closing</translation>
    </message>
    <message>
        <source>純売上</source>
        <translation>Net sales</translation>
    </message>
    <message>
        <source>総売上</source>
        <translation>Gross sales</translation>
    </message>
    <message>
        <source>表示言語</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>設定</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>該当する会員がいません。</source>
        <translation>No matching member.</translation>
    </message>
    <message>
        <source>責任者のコードと暗証番号を入力してください。</source>
        <translation>Enter a manager&apos;s code and PIN.</translation>
    </message>
    <message>
        <source>責任者の承認が必要です。責任者を呼んでください。</source>
        <translation>A manager&apos;s approval is needed. Call a manager.</translation>
    </message>
    <message>
        <source>責任者コード</source>
        <translation>Manager code</translation>
    </message>
    <message>
        <source>責任者コードまたは暗証番号が違います。</source>
        <translation>Wrong manager code or PIN.</translation>
    </message>
    <message>
        <source>責任者承認</source>
        <translation>Manager approval</translation>
    </message>
    <message>
        <source>購入履歴(店舗・オンライン)</source>
        <translation>Purchases (store and online)</translation>
    </message>
    <message>
        <source>購入履歴はありません</source>
        <translation>No purchases yet</translation>
    </message>
    <message>
        <source>購入数</source>
        <translation>Sold</translation>
    </message>
    <message>
        <source>返品</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>返品する(責任者承認)</source>
        <translation>Refund (manager approval)</translation>
    </message>
    <message>
        <source>返品する数量を選んでください。</source>
        <translation>Choose how many come back.</translation>
    </message>
    <message>
        <source>返品数</source>
        <translation>Return qty</translation>
    </message>
    <message>
        <source>返金額</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>追加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>送信エラー</source>
        <translation>Send errors</translation>
    </message>
    <message>
        <source>過不足</source>
        <translation>Over/short</translation>
    </message>
    <message>
        <source>過剰</source>
        <translation>over</translation>
    </message>
    <message>
        <source>金種</source>
        <translation>Denomination</translation>
    </message>
    <message>
        <source>金種の枚数が正しくありません。</source>
        <translation>A denomination count is not valid.</translation>
    </message>
    <message>
        <source>金額</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>金額は¥1〜¥10,000,000で入力してください。</source>
        <translation>Enter an amount from ¥1 to ¥10,000,000.</translation>
    </message>
    <message>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>電話</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>電話番号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>問い合わせ・クレーム</source>
        <translation>Contacts and complaints</translation>
    </message>
    <message>
        <source>クレーム</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <source>問い合わせ</source>
        <translation>Inquiry</translation>
    </message>
    <message>
        <source>返品依頼</source>
        <translation>Return request</translation>
    </message>
    <message>
        <source>お褒め</source>
        <translation>Compliment</translation>
    </message>
    <message>
        <source>未対応</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>対応中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>解決済み</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>店舗</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>Web</translation>
    </message>
    <message>
        <source>コールセンター</source>
        <translation>Call centre</translation>
    </message>
    <message>
        <source>件名(例: 商品の破損)</source>
        <translation>Subject (e.g. damaged item)</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>レシート番号(任意)</source>
        <translation>Receipt number (optional)</translation>
    </message>
    <message>
        <source>記録する (Ctrl+Enter)</source>
        <translation>Record (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>種類</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>レシート</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>オフラインでも記録できます。サーバーには後で送信されます。</source>
        <translation>Works offline too; it is sent to the server later.</translation>
    </message>
    <message>
        <source>選んだ件にメモを追加(Enter)</source>
        <translation>Add a note to the chosen contact (Enter)</translation>
    </message>
    <message>
        <source>メモ追加</source>
        <translation>Add note</translation>
    </message>
    <message>
        <source>全チャネルのお問い合わせ(サーバー)</source>
        <translation>Contacts from every channel (server)</translation>
    </message>
    <message>
        <source>このレジの記録(未解決のみ)</source>
        <translation>Kept on this register (open ones only)</translation>
    </message>
    <message>
        <source>お問い合わせの記録はありません</source>
        <translation>No contacts on record</translation>
    </message>
    <message>
        <source>メモを追加する件を一覧から選んでください。</source>
        <translation>Choose a contact in the list to add the note to.</translation>
    </message>
    <message>
        <source>未解決のクレーム</source>
        <translation>Open complaint</translation>
    </message>
    <message>
        <source>お問い合わせ・クレーム</source>
        <translation>Contacts and complaints</translation>
    </message>
    <message>
        <source>確認中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>問い合わせ・クレーム記録</source>
        <translation>Record a contact</translation>
    </message>
    <message>
        <source>先に会員を選んでください(F2)。</source>
        <translation>Choose a member first (F2).</translation>
    </message>
    <message>
        <source>種類と件名(200文字まで)を入力してください。内容は4000文字までです。</source>
        <translation>Choose a kind and enter a subject (up to 200 characters); details up to 4,000 characters.</translation>
    </message>
    <message>
        <source>サーバーにつながらないため、メモを追加できません。接続が戻ってから追加してください。</source>
        <translation>The server cannot be reached, so the note cannot be added. Add it when the connection is back.</translation>
    </message>
    <message>
        <source>店舗購入</source>
        <translation>Store purchase</translation>
    </message>
    <message>
        <source>オンライン注文</source>
        <translation>Online order</translation>
    </message>
    <message>
        <source>注文キャンセル</source>
        <translation>Order cancelled</translation>
    </message>
    <message>
        <source>メモ</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>お問い合わせ</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>このレジの記録のみ(サーバー未接続)</source>
        <translation>This register&apos;s records only (server not reached)</translation>
    </message>
    <message>
        <source>最新</source>
        <translation>Up to date</translation>
    </message>
    <message>
        <source>{minutes}分前の情報</source>
        <translation>As of {minutes} min ago</translation>
    </message>
    <message>
        <source>{when} 時点の情報</source>
        <translation>As of {when}</translation>
    </message>
    <message>
        <source>(未送信)</source>
        <translation>(not sent yet)</translation>
    </message>
    <message>
        <source>他</source>
        <translation>+</translation>
    </message>
    <message>
        <source>履歴はありません</source>
        <translation>No history</translation>
    </message>
    <message>
        <source>履歴を読み込んでいます…</source>
        <translation>Loading history…</translation>
    </message>
    <message>
        <source>会員を呼び出しました</source>
        <translation>Member called up</translation>
    </message>
    <message>
        <source>この画面ではスキャンできません。閉じてからスキャンしてください。</source>
        <translation>This screen takes no scans. Close it, then scan.</translation>
    </message>
    <message>
        <source>この件はまだサーバーに送信されていません。送信されてからメモを追加してください。</source>
        <translation>This contact has not reached the server yet. Add the note once it has been sent.</translation>
    </message>
</context>
</TS>
