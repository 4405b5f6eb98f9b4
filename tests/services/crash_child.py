"""Child process for the crash test: sells forever, printing each receipt number once it is stored."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from tests.services.conftest import CASHIER, MEMBER_NO, PRODUCTS


def main() -> None:
    terminal = Terminal.open(Path(sys.argv[1]))
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    rng = random.Random()
    print("ready", flush=True)
    while True:
        sale = terminal.start_sale()
        for _ in range(rng.randint(1, 5)):
            sale.scan(rng.choice(PRODUCTS)[0])
        if rng.random() < 0.3:
            sale.attach_customer(MEMBER_NO)
        sale.add_tender(TenderKind.CASH, sale.totals.amount_due + rng.choice((0, 9, 1000)))
        done = sale.complete()
        print(done.receipt_no, flush=True)


if __name__ == "__main__":
    main()
