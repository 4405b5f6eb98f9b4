"""Receipts on paper and screen: layout, ESC/POS bytes, printer transports and preview images.

Imports only the domain, the standard library, python-escpos, pillow and qrcode: no Qt, no SQL, no HTTP.
"""
