"""Every error a cashier can meet has a sentence in the one place that holds them."""

from __future__ import annotations

import importlib
import pkgutil

import posapp
import sync.client
from posapp.domain.errors import DomainError
from posapp.ui.messages import MESSAGES


def all_error_types() -> set[type[DomainError]]:
    for package in (posapp, sync.client):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.endswith("__main__") and ".migrations" not in module.name:
                importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.add(sub)
            pending.append(sub)
    return found


def test_every_domain_error_has_a_cashier_message() -> None:
    missing = sorted({error.message_key for error in all_error_types()} - MESSAGES.keys())
    assert missing == []
