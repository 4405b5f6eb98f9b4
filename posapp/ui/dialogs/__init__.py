"""Dialogs of the sale screen; each is opened window-modal and reports back by signal."""
