"""The PySide6 window of the store terminal: views only, every use case is a Terminal API call."""
