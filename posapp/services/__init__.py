"""The headless Terminal API: every use case of the counter, callable without Qt."""

from posapp.services.terminal import Approval, ClerkInfo, Terminal, TerminalStatus

__all__ = ["Approval", "ClerkInfo", "Terminal", "TerminalStatus"]
