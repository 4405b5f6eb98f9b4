"""The headless Terminal API: every use case of the counter, callable without Qt."""

from posapp.services.counter import Approval, ClerkInfo, Counter
from posapp.services.status import TerminalStatus
from posapp.services.terminal import Terminal

__all__ = ["Approval", "ClerkInfo", "Counter", "Terminal", "TerminalStatus"]
