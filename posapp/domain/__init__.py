"""Pure rules of a Japanese store: money, tax, cart, tenders, points, barcodes, receipts.

Nothing here imports Qt, SQL or HTTP; the terminal and the server both use it, which is how a store
sale and an online order agree to the yen.
"""
