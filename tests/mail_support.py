"""A real SMTP server for the tests that read mails (aiosmtpd on a free port): its handler
keeps what arrived, for the test thread to wait on. The ``smtp`` and ``inbox`` fixtures
(conftest.py) serve one per module."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message

from aiosmtpd.controller import Controller

__all__ = ["Controller", "Inbox", "body", "free_port", "smtp_server"]


class Inbox:
    """What the SMTP server received, for the test thread to wait on."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 OK"

    def clear(self) -> Inbox:
        with self.arrived:
            self.messages.clear()
        return self

    def wait_for(self, n: int, timeout: float = 10) -> list[Message]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= n, timeout), (
                f"{len(self.messages)} of {n} mails arrived"
            )
            return list(self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode()


@contextmanager
def smtp_server() -> Iterator[Controller]:
    """A real SMTP server on a free loopback port, whose ``handler`` is its Inbox."""
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
