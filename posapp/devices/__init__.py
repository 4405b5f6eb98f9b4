"""Receipts on paper and screen: layout, ESC/POS bytes, printer transports and preview images.

Imports only the domain, the standard library, python-escpos and pillow: no Qt, no SQL, no HTTP.
"""
