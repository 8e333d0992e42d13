"""Validators of the SCDL dataset types' fields (named in schemas/scheming/presets.yaml)."""
from __future__ import annotations

import logging
import re
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.formatters import localised_number
from ckan.lib.navl.dictization_functions import Missing, StopOnError
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

from ckanext.opendatalocale.scdl import UnknownSchema, UnknownVersion, catalogue
from ckanext.opendatalocale.scdl import territory

__all__ = ["scdl_territory_code", "scdl_after_start", "scdl_default_frequency",
           "scdl_default_license", "scdl_resource_schema", "scdl_title", "scdl_name",
           "scdl_resource_file", "scdl_submitted_once"]

log = logging.getLogger(__name__)

DEFAULT_LICENSE = "lov2"
MB = 1024 * 1024
FORM_TOKEN = re.compile(r"^[0-9a-f]{32}$")
FORM_TOKEN_SECONDS = 24 * 3600


def _empty(value: Any) -> bool:
    return value is None or isinstance(value, Missing) or value == ""


def _entry(data: dict):
    try:
        return catalogue().get(data.get(("type",)) or "")
    except UnknownSchema:
        return None


def scdl_territory_code(key, data, errors, context):
    """A COG code or an EPCI SIREN; when empty, the code of the publishing
    organisation if it is a territory (``commune-35238`` → 35238).

    A fact, not a claim: the territory of the publishing organisation or one
    within it (Cesson-Sévigné's editor cannot say her dataset covers Paris),
    unless a sysadmin sets it."""
    value = data.get(key)
    org_id = data.get(("owner_org",))
    org = model.Group.get(org_id) if org_id and not _empty(org_id) else None
    if _empty(value):
        code = territory.code_of_organization(org.name if org else None)
        data[key] = code or ""
        return
    if not territory.is_territory_code(str(value)):
        errors[key].append(tk._(
            "Unknown code: give the INSEE code of the commune (5 characters, "
            "e.g. 35051), of the département (e.g. 35, 2A, 974) or of the région "
            "(e.g. 53), or the SIREN number of the EPCI (9 digits)."))
        return
    data[key] = territory.normalise(str(value))
    if not _may_claim(data[key], org, data, context):
        errors[key].append(tk._(
            "The territory covered is that of the organisation ({organisation}) or one "
            "within it: {code} is neither.").format(
                organisation=org.display_name if org else "—", code=data[key]))


def _may_claim(code: str, org, data: dict, context) -> bool:
    if context.get("ignore_auth") or authz.is_sysadmin(context.get("user")):
        return True
    if org is None:
        return False
    stored = model.Package.get(data.get(("id",)) or "") if data.get(("id",)) else None
    if stored is not None and stored.owner_org == org.id and \
            stored.extras.get("territory_code") == code:
        return True  # as it was (a sysadmin's choice stays through an editor's edit)
    if "territories_named" not in tk.h:  # no territories plugin: no territory below
        return False
    named = tk.h.territories_named
    own = territory.covered(None, org.id, named)
    own_code = (own["code"] or "") if own else territory.code_of_organization(org.name)
    if code == territory.normalise(own_code or ""):
        return True
    covered = territory.covered(code, org.id, named)
    if covered is None or not covered["id"]:
        return False
    return org.id in {a["id"] for a in tk.h.territory_ancestors(covered["id"])}


def scdl_after_start(key, data, errors, context):
    end, start = data.get(key), data.get(("temporal_start",))
    if _empty(end) or _empty(start):
        return
    if str(end) < str(start):
        errors[key].append(tk._("The end of the temporal coverage is before its start."))


def scdl_default_frequency(key, data, errors, context):
    """The update frequency expected for the type, when none is given."""
    if _empty(data.get(key)):
        entry = _entry(data)
        if entry is not None:
            data[key] = entry.expected_frequency


def scdl_default_license(key, data, errors, context):
    if _empty(data.get(key)):
        data[key] = DEFAULT_LICENSE


def scdl_resource_schema(key, data, errors, context):
    """Resource ``schema_version`` and ``schema``, kept in step: the version
    chosen (or the one a known canonical ``schema`` URL names, or the type's
    current version) and the canonical URL of exactly that version."""
    entry = _entry(data)
    if entry is None:
        return
    url_key = key[:-1] + ("schema",)
    version, url = data.get(key), data.get(url_key)
    if _empty(version) and not _empty(url):
        resolved = catalogue().resolve_url(str(url))
        if resolved and resolved[0].slug == entry.slug:
            version = resolved[1].version
    try:
        chosen = entry.version(None if _empty(version) else str(version))
    except UnknownVersion as e:
        errors[key].append(tk._("Unknown version of this schema. Supported versions: "
                                "{versions}").format(versions=", ".join(e.known)))
        return
    data[key] = chosen.version
    data[url_key] = chosen.schema_url


def scdl_title(key, data, errors, context):
    """The title is what the editor types (the form derives the URL from it):
    missing, it is the one error to report, on the title. An API call giving
    only ``name`` keeps CKAN's habit, the name as title."""
    if not _empty(data.get(key)):
        return
    name = data.get(key[:-1] + ("name",))
    if _empty(name):
        errors[key].append(tk._("Missing value"))
        raise StopOnError
    data[key] = name


def scdl_name(key, data, errors, context):
    """``not_empty``, except when the title is missing too: the form's URL is
    made from the title, so the error is the title's alone."""
    if not _empty(data.get(key)):
        return
    if _empty(data.get(key[:-1] + ("title",))):
        raise StopOnError
    errors[key].append(tk._("Missing value"))
    raise StopOnError


def _stored_without_url(resource_id) -> bool:
    if _empty(resource_id):
        return False
    stored = model.Resource.get(str(resource_id))
    return stored is not None and not stored.url


def scdl_resource_file(key, data, errors, context):
    """A resource of an SCDL dataset is a file or a link (CKAN would keep a
    resource with neither), and an uploaded file fits in
    ``ckan.max_resource_size``: said before the file is written, in French,
    on the field (CKAN's own check happens while copying the file, in
    English, after the resource is saved in the session)."""
    prefix = key[:-1]
    if _empty(data.get(key)):
        if _stored_without_url(data.get(prefix + ("id",))):
            return  # an older resource saved without one stays editable
        errors[key].append(tk._("Add a file or a link."))
        raise StopOnError
    if data.get(prefix + ("url_type",)) != "upload":
        return
    limit = tk.config.get("ckan.max_resource_size")
    size = data.get(prefix + ("size",))
    try:
        size = int(size)
    except (TypeError, ValueError):
        return
    if limit and size > limit * MB:
        errors[key].append(tk._(
            "The file is too large ({size} MB): this portal accepts files of at most "
            "{limit} MB. Publish a link to the file instead, or ask the portal's "
            "administrators.").format(size=_megabytes(size), limit=limit))
        raise StopOnError


def _megabytes(size: int) -> str:
    try:
        return localised_number(round(size / MB, 1))
    except (TypeError, ValueError):  # no request, hence no locale (CLI, jobs)
        return f"{size / MB:.1f}"


def scdl_submitted_once(key, data, errors, context):
    """The resource form's one-time token (``form_token``): a second
    submission of the same form (a double click before the page's scripts
    run, a browser without JavaScript) adds no second file. Forms only: API
    calls carry no token. The token itself is never stored (``ignore``
    follows in the schema)."""
    token = data.get(key)
    if _empty(token) or not _empty(data.get(key[:-1] + ("id",))):
        return
    if not FORM_TOKEN.match(str(token)):
        return
    redis_key = "{}:opendatalocale:form-token:{}".format(
        tk.config.get("ckan.site_id"), token)
    try:
        first = connect_to_redis().set(redis_key, "1", nx=True, ex=FORM_TOKEN_SECONDS)
    except RedisError:
        # without Redis the form still works; only this guard is off (the
        # page's script still stops a double click)
        log.warning("Redis unreachable: a resource form's double submission is not checked")
        return
    if not first:
        errors[key[:-1] + ("url",)].append(tk._(
            "This form was already sent: the file is added once. The dataset's page "
            "lists its files."))
