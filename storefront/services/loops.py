"""Work a process repeats in a daemon thread of its own (the price-boundary guard, the reader
of nginx's log of product views): each round in an app context, a failed round logged and
tried again at the next."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)


def every(app: Flask, seconds: float, work: Callable[[], object], name: str,
          failure: str) -> threading.Thread:
    """Run ``work`` every ``seconds`` for as long as the process lives; ``failure`` is what
    the log says when a round fails."""
    def loop() -> None:
        while True:
            with app.app_context():
                try:
                    work()
                except Exception:  # the next round tries again
                    log.warning(failure, exc_info=True)
            time.sleep(seconds)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread
