"""A real SMTP server on localhost (aiosmtpd) that CKAN's mailer sends to,
and an organisation whose people receive the portal's notifications."""
from __future__ import annotations

import email
from email import policy
import socket
from email.message import Message
from email.utils import parseaddr

import pytest
from aiosmtpd.controller import Controller

from ckan.common import config
from ckan.tests import factories, helpers

PASSWORD = "Motdepasse-2026!"


class Inbox:
    """What the server received; ``refuse`` makes it answer 550."""

    def __init__(self):
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 mailbox unavailable"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if parseaddr(m["To"])[1] == address]

    def addresses(self) -> list[str]:
        return [parseaddr(m["To"])[1] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setitem(config, "smtp.mail_from", "portail@example.org")
    yield inbox
    controller.stop()


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode("utf-8")
    raise AssertionError("no text part")


def html_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode("utf-8")
    raise AssertionError("no HTML part")


@pytest.fixture
def commune(clean_db):
    """Cesson-Sévigné: an admin and an editor with e-mail, an editor without,
    a plain member (not told)."""
    from ..territories.conftest import load
    load({"departement": "35"})
    org = helpers.call_action("organization_show", id="commune-35051")  # Cesson-Sévigné
    people = {}
    for name, role, mail in (("maire", "admin", "maire@example.org"),
                             ("secretaire", "editor", "secretaire@example.org"),
                             ("sansmail", "editor", ""),
                             ("membre", "member", "membre@example.org")):
        people[name] = factories.User(name=name, password=PASSWORD,
                                      email=mail or f"{name}@example.org")
        if not mail:
            import ckan.model as model
            user = model.User.get(name)
            user.email = ""
            model.Session.commit()
        helpers.call_action("organization_member_create", id=org["id"], username=name,
                            role=role)
    # Cesson-Sévigné is obliged by law and publishes nothing yet: its admin has
    # turned the monthly reminder off, so that each test counts the mails of its
    # own kind; the reminder's tests turn it back on
    from ckanext.opendatalocale.notify import settings
    settings.save(people["maire"]["id"], ["manquant"], "weekly")
    import ckan.model as model
    model.Session.commit()
    return {"org": org, "people": people, "sysadmin": factories.Sysadmin()["name"]}
