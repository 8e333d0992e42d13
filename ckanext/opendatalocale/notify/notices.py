"""What must be told, to whom, and the sending (``ckan opendatalocale notify``).

1. *events*: a file found non conforme or unreachable is recorded when its
   check is written (the validation plugin's signal, in that transaction);
   a dataset about to be out of date (15 days before) or now out of date is
   found by the command, from CKAN's datasets and the frequency they declare
   (``scdl.status.stale_from``); a commune the law obliges to publish that
   lacks socle-commun types is found by the command from the observatoire
   (the report plugin's ``scdl_compliance_show``), at most once a month.
   Each event once per (kind, key): the key names the file's content, the
   dataset's last change or the month, so a new problem after a correction
   is a new event, the same one never twice;
2. *mails*: each event becomes one mail per editor and admin of the
   dataset's organisation (per admin of the commune for a missing type) who
   wants that kind (a person without e-mail is skipped and counted), once
   per (kind, key, person); a digest is one mail to its agent, or none when
   it has nothing to say (counted);
3. *sending*: every pending mail through CKAN's mailer (its ``smtp.*``
   settings); a refused or failed send stays pending, its error logged and
   counted, and is tried again at the next run.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl import status as st

from . import digests, messages, settings
from .model import event_table, mail_table

__all__ = ["KINDS", "DIGEST", "Run", "Busy", "record_validation", "find_stale", "find_missing",
           "find_digests", "compose", "send", "run", "SOON"]

log = logging.getLogger(__name__)

NONCONFORME, INJOIGNABLE, PERIME_BIENTOT, PERIME, MANQUANT = (
    "nonconforme", "injoignable", "perime_bientot", "perime", "manquant")
KINDS = (NONCONFORME, INJOIGNABLE, PERIME_BIENTOT, PERIME, MANQUANT)  # each on or off
DIGEST = settings.DIGEST  # weekly, monthly or never
SOON = timedelta(days=15)
MAX_ATTEMPTS = 20
_FILE_ERROR = "erreur_fichier"  # resolved into INJOIGNABLE (or nothing) when composed


@dataclass
class Run:
    events: int = 0
    mails: int = 0
    without_email: int = 0
    not_wanted: int = 0
    empty_digests: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _event(connection, kind: str, key: str, package_id: Optional[str],
           resource_id: Optional[str] = None, organization_id: Optional[str] = None,
           detail: Optional[str] = None) -> int:
    result = connection.execute(insert(event_table).values(
        kind=kind, key=key, package_id=package_id, resource_id=resource_id,
        organization_id=organization_id, detail=detail,
        created=datetime.now(timezone.utc)).on_conflict_do_nothing())
    return result.rowcount or 0


def record_validation(package_id: str, resource_id: str, status: Optional[str],
                      connection: Any, file_hash: Optional[str] = None, **_: Any) -> None:
    """The validation plugin's signal: a failed check is an event (once per
    file content), an errored one too (once a day: whether the file was
    unreachable is read from its report when the mail is written)."""
    if status == "failure":
        _event(connection, NONCONFORME, f"{resource_id}:{file_hash or ''}", package_id,
               resource_id)
    elif status == "error":
        day = datetime.now(timezone.utc).date().isoformat()
        _event(connection, _FILE_ERROR, f"{resource_id}:{day}", package_id, resource_id)


_DATED = """
SELECT p.id, p.metadata_modified, e.value
FROM package p
JOIN package_extra e ON e.package_id = p.id AND e.key = 'frequency' AND e.state = 'active'
WHERE p.state = 'active' AND NOT p.private AND p.type = ANY(%(types)s)
"""


def find_stale(now: datetime) -> int:
    """Events for the public SCDL datasets out of date within ``SOON`` or
    already: keyed by the day they become so (a new change, a new day)."""
    types = [entry.slug for entry in catalogue().entries]
    connection = model.Session.connection()
    cursor = connection.connection.cursor()
    cursor.execute(_DATED, {"types": types})
    found = 0
    for package_id, modified, frequency in cursor.fetchall():
        if modified is not None and modified.tzinfo is None:
            modified = modified.replace(tzinfo=timezone.utc)  # CKAN stores UTC, naive
        due = st.stale_from(modified, frequency)
        if due is None or now < due - SOON:
            continue
        kind = PERIME if now > due else PERIME_BIENTOT
        found += _event(connection, kind, f"{package_id}:{due.date().isoformat()}",
                        package_id)
    return found


def find_missing(now: datetime) -> int:
    """An event, once a month, for each commune the law obliges to publish
    that lacks socle-commun types (public, active datasets, as the
    observatoire counts them); none when the report plugin is not loaded."""
    try:
        report = tk.get_action("scdl_compliance_show")(
            {"ignore_auth": True},
            {"level": "commune", "obligation_only": True, "status": "absent"})
    except KeyError:  # opendatalocale_report is not loaded
        return 0
    connection = model.Session.connection()
    month = now.strftime("%Y-%m")
    found = 0
    for row in report["rows"]:
        territory = row["territory"]
        missing = [kind for kind, cell in (row.get("cells") or {}).items()
                   if cell["status"] == st.ABSENT]
        if row.get("own") or territory.get("level") != "commune" or not territory.get("id") \
                or not missing:
            continue
        found += _event(connection, MANQUANT, f"{territory['id']}:{month}", None,
                        organization_id=territory["id"], detail=",".join(missing))
    return found


def find_digests(now: datetime) -> int:
    """An event for each territory agent whose digest of the last whole week
    or month (as she chose) is not written yet: keyed by her and the period."""
    connection = model.Session.connection()
    day = now.astimezone(digests.PARIS).date()
    found = 0
    for user_id in digests.agents():
        period = digests.due(user_id, day)
        if period is None:
            continue
        label, start, end = period
        found += _event(connection, DIGEST, f"{user_id}:{label}", None,
                        detail=f"{start.isoformat()}/{end.isoformat()}")
    return found


_RECIPIENTS = """
SELECT u.id, u.name, coalesce(nullif(u.fullname, ''), u.name), coalesce(u.email, '')
FROM member m JOIN "user" u ON u.id = m.table_id
WHERE m.group_id = %(org)s AND m.table_name = 'user' AND m.state = 'active'
  AND m.capacity = ANY(%(capacities)s) AND u.state = 'active'
ORDER BY u.name
"""


def recipients(organization_id: str, capacities: tuple[str, ...] = ("editor", "admin")
               ) -> list[tuple[str, str, str, str]]:
    """(id, name, display name, e-mail) of the organisation's editors and admins
    (or of the members in ``capacities``)."""
    cursor = model.Session.connection().connection.cursor()
    cursor.execute(_RECIPIENTS, {"org": organization_id, "capacities": list(capacities)})
    return cursor.fetchall()


def _unreachable(resource_id: str) -> bool:
    try:
        shown = tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource_id})
    except (tk.ObjectNotFound, KeyError):
        return False
    report = shown.get("report") or {}
    return bool(report.get("unreachable"))


# an organisation's own fields only: its users, followers and parents cost
# most of core's organization_show, and a reminder needs none of them
_LIGHT = {"organization_show": {"include_users": False, "include_followers": False,
                                "include_groups": False, "include_dataset_count": False,
                                "include_extras": False, "include_tags": False}}


def _active(action: str, id: Optional[str]) -> Optional[dict[str, Any]]:
    """A dataset or an organisation still there (deleted since: nobody is told)."""
    if not id:
        return None
    try:
        found = tk.get_action(action)({"ignore_auth": True}, {"id": id, **_LIGHT.get(action, {})})
    except tk.ObjectNotFound:
        return None
    return found if found.get("state") == "active" else None


def _digest(event: Any, result: Run, cache: dict[Any, Any]
            ) -> tuple[list[tuple[str, str, str, str]], Optional[Callable[[str, str], messages.Mail]]]:
    """The agent a digest event is for, and its mail (none: nothing to say,
    or she no longer accompanies any territory)."""
    user_id, label = event["key"].split(":", 1)
    start, end = (date.fromisoformat(day) for day in (event["detail"] or "").split("/"))
    territories = digests.agents(user_id).get(user_id, [])
    user = model.User.get(user_id)
    if not territories or user is None:  # no longer an agent
        return [], None
    sections = [found for found in (digests.section(t, start, end, cache) for t in territories)
                if found is not None]
    if not sections:
        result.empty_digests += 1
        return [], None
    people = [(user.id, user.name, user.fullname or user.name, user.email or "")]
    return people, partial(messages.digest_mail, "weekly" if "-W" in label else "monthly",
                           start, end, sections)


def compose(now: datetime, result: Run) -> None:
    """The mails of every event not yet handled."""
    pending = model.Session.execute(event_table.select().where(
        event_table.c.handled.is_(None)).order_by(event_table.c.created)).mappings().all()
    cache: dict[Any, Any] = {}  # the digests' sections of this run
    for event in pending:
        kind = event["kind"]
        if kind == _FILE_ERROR:
            kind = INJOIGNABLE if _unreachable(event["resource_id"]) else None
        dataset = organization = None
        if kind == MANQUANT:
            organization = _active("organization_show", event["organization_id"])
        elif kind not in (None, DIGEST):
            dataset = _active("package_show", event["package_id"])
        people: list[tuple[str, str, str, str]] = []
        mail_of: Optional[Callable[[str, str], messages.Mail]] = None  # (user id, name)
        if kind == DIGEST:
            people, mail_of = _digest(event, result, cache)
        elif organization is not None:  # a commune's admins decide what it publishes
            people = recipients(organization["id"], ("admin",))
            mail_of = partial(messages.missing_mail, organization,
                              (event["detail"] or "").split(","))
        elif dataset is not None and dataset.get("owner_org"):
            people = recipients(dataset["owner_org"])
            mail_of = partial(messages.event_mail, kind, dataset, event["resource_id"])
        if mail_of is not None:
            result.events += 1
            for user_id, name, display, email in people:
                if not settings.wants(user_id, kind):
                    result.not_wanted += 1
                    continue
                if not email.strip():
                    result.without_email += 1
                    continue
                mail = mail_of(user_id, display)
                inserted = model.Session.execute(insert(mail_table).values(
                    kind=kind, key=event["key"], user_id=user_id, email=email.strip(),
                    subject=mail.subject, body_text=mail.text, body_html=mail.html,
                    created=now).on_conflict_do_nothing())
                result.mails += inserted.rowcount or 0
        model.Session.execute(event_table.update().where(sa.and_(
            event_table.c.kind == event["kind"], event_table.c.key == event["key"])
        ).values(handled=now))
    model.Session.commit()


def send(now: datetime, result: Run) -> None:
    """Every pending mail, each committed on its own: a crash never sends twice."""
    pending = model.Session.execute(mail_table.select().where(sa.and_(
        mail_table.c.status == "pending", mail_table.c.attempts < MAX_ATTEMPTS)
    ).order_by(mail_table.c.id)).mappings().all()
    for mail in pending:
        where = mail_table.c.id == mail["id"]
        if not settings.wants(mail["user_id"], mail["kind"]):  # unsubscribed since
            model.Session.execute(mail_table.update().where(where).values(status="skipped"))
            model.Session.commit()
            continue
        user = model.User.get(mail["user_id"])
        try:
            mailer.mail_recipient(
                user.display_name if user else "", mail["email"], mail["subject"],
                mail["body_text"],
                body_html=mail["body_html"],
                headers={"List-Unsubscribe": f"<{messages.unsubscribe_url(mail['user_id'], mail['kind'])}>"})
        except (mailer.MailerException, OSError) as error:
            result.failed += 1
            result.errors.append(f"{mail['email']}: {error}")
            log.warning("notification %s to %s not sent (attempt %s): %s", mail["id"],
                        mail["email"], mail["attempts"] + 1, error)
            model.Session.execute(mail_table.update().where(where).values(
                attempts=mail_table.c.attempts + 1, last_error=str(error)[:2000]))
        else:
            result.sent += 1
            model.Session.execute(mail_table.update().where(where).values(
                status="sent", sent=datetime.now(timezone.utc),
                attempts=mail_table.c.attempts + 1, last_error=None))
        model.Session.commit()


class Busy(RuntimeError):
    """Another run of the command is under way."""


_LOCK = 7_319_402_119  # pg_try_advisory_lock: one run at a time (report's snapshot: …118)


def run(now: Optional[datetime] = None) -> Run:
    """One run of the command: find, compose, send. Runs never overlap (an
    hourly cron whose run outlasts the hour would send the same pending mail
    twice): the lock is held on a connection of its own, and Busy raised
    when another run holds it."""
    now = now or datetime.now(timezone.utc)
    with model.meta.engine.connect() as lock:
        if not lock.execute(sa.text("SELECT pg_try_advisory_lock(:key)"),
                            {"key": _LOCK}).scalar():
            raise Busy("another run of `ckan opendatalocale notify` is under way")
        try:
            result = Run()
            find_stale(now)
            find_missing(now)
            find_digests(now)
            model.Session.commit()
            compose(now, result)
            send(now, result)
            return result
        finally:
            lock.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK})
