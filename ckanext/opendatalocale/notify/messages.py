"""The mails' words (French, text and HTML) and their signed unsubscribe links."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl import status as st

__all__ = ["Mail", "event_mail", "missing_mail", "unsubscribe_url", "unsubscribe_token", "read_token",
           "BadSignature"]

_SALT = "opendatalocale-notify-unsubscribe"


@dataclass
class Mail:
    subject: str
    text: str
    html: str


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


def _day(value: Optional[datetime]) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _modified(dataset: dict[str, Any]) -> Optional[datetime]:
    value = dataset.get("metadata_modified")
    return datetime.fromisoformat(value) if value else None


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
    return _mail(subject, lines, action, link, kind, organization, user_id, name)


def missing_mail(organization: dict[str, Any], types: list[str], user_id: str,
                 name: str) -> Mail:
    """The monthly reminder to an admin of a commune the law obliges to
    publish: the socle-commun types it does not publish yet."""
    entries = catalogue()
    language = tk.h.lang() or "fr"
    titles = []
    for slug in types:
        try:
            entry = entries.get(slug)
        except LookupError:
            continue
        titles.append(entry.title.get(language) or entry.title.get("fr") or slug)
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
    return _mail(subject, lines, tk._("Publish them"), link, "manquant", words["organization"],
                 user_id, name)


def _mail(subject: str, lines: list[str], action: str, link: str, kind: str,
          organization: str, user_id: str, name: str) -> Mail:
    hello = tk._("Hello {name},").format(name=name)
    site = tk.config.get("ckan.site_title") or ""
    why = tk._("You receive this mail because you publish for {organization} on {site}."
               ).format(organization=organization, site=site)
    stop = tk._("Stop receiving this kind of mail")
    stop_url = unsubscribe_url(user_id, kind)
    text = "\n\n".join([hello, *lines, f"{action} : {link}", "—", why,
                        f"{stop} : {stop_url}"]) + "\n"
    html = Markup(
        "<!doctype html><html lang=\"fr\"><body>"
        "<p>{hello}</p>{paragraphs}<p><a href=\"{link}\">{action}</a></p>"
        "<hr><p style=\"color:#595959\">{why}<br><a href=\"{stop_url}\">{stop}</a></p>"
        "</body></html>").format(
            hello=hello, paragraphs=Markup("").join(
                Markup("<p>{}</p>").format(line) for line in lines),
            link=link, action=action, why=why, stop_url=stop_url, stop=stop)
    return Mail(subject=subject, text=text, html=str(html))

