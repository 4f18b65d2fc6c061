"""A tiny SMTP server the test starts itself, on the loopback, keeping every message it is sent.

Just enough of RFC 5321 for smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing),
RSET, NOOP and QUIT. No mock: the service's own mail code talks to it over a real socket.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    port: int
    messages: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def _handler(mailbox: Mailbox) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode("ascii") + b"\r\n")

        def handle(self) -> None:
            self.reply("220 test-smtp ready")
            sender, recipients = "", list[str]()
            while line := self.rfile.readline():
                verb = line.decode("ascii", "replace").strip()
                upper = verb.upper()
                if upper.startswith(("EHLO", "HELO")):
                    self.reply("250 test-smtp")
                elif upper.startswith("MAIL FROM:"):
                    sender, recipients = verb[10:].strip(" <>"), []
                    self.reply("250 OK")
                elif upper.startswith("RCPT TO:"):
                    recipients.append(verb[8:].strip(" <>"))
                    self.reply("250 OK")
                elif upper == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    body = bytearray()
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        body += chunk[1:] if chunk.startswith(b"..") else chunk
                    parsed = message_from_bytes(bytes(body), policy=policy.default)
                    assert isinstance(parsed, EmailMessage)
                    mailbox.messages.append(Received(sender, recipients, parsed))
                    self.reply("250 OK: queued")
                elif upper == "QUIT":
                    self.reply("221 bye")
                    return
                elif upper in ("RSET", "NOOP"):
                    self.reply("250 OK")
                else:
                    self.reply("502 not implemented")

    return Handler


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(0)
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(mailbox)) as server:
        mailbox.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield mailbox
        finally:
            server.shutdown()
