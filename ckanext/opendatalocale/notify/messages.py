"""The mails' words (French, text and HTML) and their signed unsubscribe links."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional, Union

from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl import status as st

__all__ = ["Mail", "Link", "Heading", "Section", "event_mail", "missing_mail", "digest_mail",
           "type_title", "unsubscribe_url", "unsubscribe_token", "read_token", "BadSignature"]

_SALT = "opendatalocale-notify-unsubscribe"


@dataclass
class Mail:
    subject: str
    text: str
    html: str


@dataclass
class Link:
    """A paragraph that is a link: ``text : url`` in the text mail."""
    text: str
    url: str


@dataclass
class Heading:
    text: str


Block = Union[str, Link, Heading]


@dataclass
class Section:
    """What a digest says of one territory: its communes' changes over the
    period (one line per type) and what is wrong now (one line per status,
    with the observatoire's address that lists those communes)."""
    territory: str
    changes: Optional[list[str]]  # None: no snapshot covers the period
    wrong: list[tuple[str, str]]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(tk.config.get("SECRET_KEY") or tk.config.get(
        "beaker.session.secret"), salt=_SALT)


def unsubscribe_token(user_id: str, kind: str) -> str:
    return _signer().dumps({"u": user_id, "k": kind})


def read_token(token: str) -> tuple[str, str]:
    """(user id, kind) of a token; BadSignature when it was not ours."""
    data = _signer().loads(token)
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) \
            or not isinstance(data.get("k"), str):
        raise BadSignature("malformed")
    return data["u"], data["k"]


def unsubscribe_url(user_id: str, kind: str) -> str:
    return tk.h.url_for("notify.unsubscribe", token=unsubscribe_token(user_id, kind),
                        qualified=True)


def _day(value: Optional[date]) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _modified(dataset: dict[str, Any]) -> Optional[datetime]:
    value = dataset.get("metadata_modified")
    return datetime.fromisoformat(value) if value else None


def type_title(slug: str) -> str:
    """An SCDL type's title in the mail's language (its slug if unknown)."""
    try:
        entry = catalogue().get(slug)
    except LookupError:
        return slug
    language = tk.h.lang() or "fr"
    return entry.title.get(language) or entry.title.get("fr") or slug


def event_mail(kind: str, dataset: dict[str, Any], resource_id: Optional[str],
               user_id: str, name: str) -> Mail:
    """The mail telling ``name`` about an event of her organisation's dataset."""
    title = dataset.get("title") or dataset["name"]
    organization = (dataset.get("organization") or {}).get("title") or ""
    resource = next((r for r in dataset.get("resources", []) if r["id"] == resource_id), None)
    file_name = (resource or {}).get("name") or ""
    dataset_url = tk.h.url_for(f"{dataset['type']}.read", id=dataset["name"], qualified=True)
    link = dataset_url
    if resource is not None:
        link = tk.h.url_for(f"{dataset['type']}_resource.read", id=dataset["name"],
                            resource_id=resource["id"], qualified=True)
    modified = _modified(dataset)
    due = st.stale_from(modified, dataset.get("frequency"))
    words = {"dataset": title, "file": file_name, "organization": organization,
             "date": _day(due), "modified": _day(modified)}
    if kind == "nonconforme":
        subject = tk._("File not conformant: {dataset}").format(**words)
        lines = [tk._("The file “{file}” of the dataset “{dataset}” ({organization}) does not "
                      "follow its schema.").format(**words),
                 tk._("Its report says what to correct, row by row; the portal can also "
                      "correct it automatically.")]
        action = tk._("See the report")
    elif kind == "injoignable":
        subject = tk._("Linked file unreachable: {dataset}").format(**words)
        lines = [tk._("The portal could not read the linked file “{file}” of the dataset "
                      "“{dataset}” ({organization}).").format(**words),
                 tk._("Check that its address still works, or upload the file itself.")]
        action = tk._("See the file")
    elif kind == "perime_bientot":
        subject = tk._("Soon out of date: {dataset}").format(**words)
        lines = [tk._("The dataset “{dataset}” ({organization}) will be out of date on "
                      "{date}: it has not changed since {modified}, less often than the "
                      "frequency it declares.").format(**words),
                 tk._("Publish the new version before that date, or correct the declared "
                      "frequency.")]
        action = tk._("See the dataset")
    else:
        subject = tk._("Out of date: {dataset}").format(**words)
        lines = [tk._("The dataset “{dataset}” ({organization}) has been out of date since "
                      "{date}: it has not changed since {modified}.").format(**words),
                 tk._("The observatoire counts it as out of date until a new version is "
                      "published.")]
        action = tk._("See the dataset")
    return _mail(subject, [*lines, Link(action, link)], _why(organization), kind, user_id, name)


def missing_mail(organization: dict[str, Any], types: list[str], user_id: str,
                 name: str) -> Mail:
    """The monthly reminder to an admin of a commune the law obliges to
    publish: the socle-commun types it does not publish yet."""
    titles = [type_title(slug) for slug in types if slug]
    words = {"organization": organization.get("title") or organization["name"],
             "count": len(titles)}
    subject = tk.ungettext("{organization}: one socle-commun type to publish",
                           "{organization}: {count} socle-commun types to publish",
                           len(titles)).format(**words)
    lines = [tk._("{organization} has more than 3 500 inhabitants: the law (République "
                  "numérique, 2016) obliges it to open its data. The observatoire finds no "
                  "public dataset of these types of the socle commun:").format(**words),
             " ; ".join(titles) + ".",
             tk._("The portal gives a template of each, checks your file and can correct "
                  "it; you can also type the rows online.")]
    link = tk.h.url_for("socle_commun.index", organisation=organization["name"],
                        qualified=True)
    return _mail(subject, [*lines, Link(tk._("Publish them"), link)],
                 _why(words["organization"]), "manquant", user_id, name)


def digest_mail(frequency: str, start: date, end: date, sections: list[Section],
                user_id: str, name: str) -> Mail:
    """The digest of a territory agent: for each of her territories, what
    changed among its communes from ``start`` to ``end`` and what is wrong now."""
    words = {"start": _day(start), "end": _day(end)}
    if frequency == "monthly":
        subject = tk._("Your communes’ data: the month from {start} to {end}").format(**words)
    else:
        subject = tk._("Your communes’ data: the week from {start} to {end}").format(**words)
    blocks: list[Block] = []
    for section in sections:
        blocks.append(Heading(section.territory))
        if section.changes:
            blocks.append(tk._("From {start} to {end}:").format(**words))
            blocks.extend(section.changes)
        elif section.changes is None:
            blocks.append(tk._("The observatoire’s daily snapshots do not cover this period: "
                               "its changes are not known."))
        else:
            blocks.append(tk._("No change from {start} to {end}.").format(**words))
        for line, url in section.wrong:
            blocks.extend([line, Link(tk._("See these communes in the observatoire"), url)])
    site = tk.config.get("ckan.site_title") or ""
    why = tk.ungettext(
        "You receive this digest because you accompany the communes of this territory on "
        "{site}: {territories}.",
        "You receive this digest because you accompany the communes of these territories on "
        "{site}: {territories}.", len(sections)).format(
            territories=", ".join(s.territory for s in sections), site=site)
    return _mail(subject, blocks, why, "digest", user_id, name)


def _why(organization: str) -> str:
    site = tk.config.get("ckan.site_title") or ""
    return tk._("You receive this mail because you publish for {organization} on {site}."
                ).format(organization=organization, site=site)


def _mail(subject: str, blocks: list[Block], why: str, kind: str, user_id: str,
          name: str) -> Mail:
    hello = tk._("Hello {name},").format(name=name)
    stop = tk._("Stop receiving this kind of mail")
    stop_url = unsubscribe_url(user_id, kind)
    texts, htmls = [hello], [Markup("<p>{}</p>").format(hello)]
    for block in blocks:
        if isinstance(block, Link):
            texts.append(f"{block.text} : {block.url}")
            htmls.append(Markup("<p><a href=\"{}\">{}</a></p>").format(block.url, block.text))
        elif isinstance(block, Heading):
            texts.append(f"{block.text}\n" + "=" * len(block.text))
            htmls.append(Markup("<h2 style=\"font-size:1.2em\">{}</h2>").format(block.text))
        else:
            texts.append(block)
            htmls.append(Markup("<p>{}</p>").format(block))
    text = "\n\n".join([*texts, "—", why, f"{stop} : {stop_url}"]) + "\n"
    html = Markup(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
        "<title>{subject}</title></head>"
        "<body style=\"font-family:Arial,sans-serif;max-width:42em\"><main>"
        "<h1 style=\"font-size:1.4em\">{subject}</h1>{blocks}</main><footer>"
        "<hr><p style=\"color:#595959\">{why}<br><a href=\"{stop_url}\">{stop}</a></p>"
        "</footer></body></html>").format(lang=tk.h.lang() or "fr", subject=subject,
                                 blocks=Markup("").join(htmls), why=why, stop_url=stop_url,
                                 stop=stop)
    return Mail(subject=subject, text=text, html=str(html))

