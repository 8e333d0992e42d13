"""``/catalog.<format>``: ckanext-dcat's catalogue, served by our view.

ckanext-dcat's own view answers 409 for a wrong page or date, 500 for a
filter that cannot be parsed, and 500 again for any ``q``/``fq`` with a space
or a quote (its page links are not URL-encoded, and rdflib refuses them). This
view keeps its URL, its parameters (``page``, ``modified_since``, ``q``,
``fq``, ``profiles``) and its serialiser, with a 400 and a message in French
for what cannot be read, and encoded page links."""
from __future__ import annotations

import math
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckanext.dcat import utils
from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.processors import RDFSerializer
from dateutil.parser import parse as parse_date
from flask import Response, make_response

from .profile import prefetch

__all__ = ["read_catalog", "CATALOG_ENDPOINT"]

CATALOG_ENDPOINT = "dcat.read_catalog"
_KEPT = ("modified_since", "profiles", "q", "fq")
# ckanext-dcat leaves these types out of its catalogue
_EXCLUDED_TYPES = ("-dataset_type:harvest", "-dataset_type:showcase")


def _bad_request(message: str) -> Response:
    return Response(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def _page(args) -> int:
    page = args.get("page") or "1"
    if not page.isdigit() or int(page) < 1:
        raise ValueError(tk._('The page number must be a whole number from 1 '
                              '(received "%(page)s").') % {"page": page})
    return int(page)


def _since(args) -> Optional[str]:
    since = args.get("modified_since")
    if not since:
        return None
    try:
        return parse_date(since).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        raise ValueError(tk._('The date modified_since must be an ISO 8601 date, e.g. '
                              '2026-01-31 (received "%(date)s").') % {"date": since}) from None


def _page_url(args, page: int) -> str:
    params = [(k, v) for k, v in args.items() if k in _KEPT] + [("page", page)]
    return f"{utils.catalog_uri()}{tk.request.path}?{urlencode(params)}"


def _pagination(args, page: int, per_page: int, result: dict[str, Any]) -> dict[str, Any]:
    """Hydra paging as ckanext-dcat writes it, with encoded links."""
    count = result["count"]
    if not count:
        return {}
    last = max(1, math.ceil(count / per_page))
    info = {"count": count, "items_per_page": per_page,
            "current": _page_url(args, page), "first": _page_url(args, 1),
            "last": _page_url(args, last)}
    if page > 1:
        info["previous"] = _page_url(args, min(page - 1, last))
    if page * per_page < count:
        info["next"] = _page_url(args, page + 1)
    return info


def read_catalog(_format: Optional[str] = None, package_type: Optional[str] = None):
    _format = _format or utils.check_access_header()
    if not _format:
        return utils.index_endpoint()
    if _format not in utils.CONTENT_TYPES:
        return tk.abort(404, tk._("Unknown format: %(format)s") % {"format": _format})
    args = tk.request.args
    try:
        page, since = _page(args), _since(args)
    except ValueError as error:
        return _bad_request(str(error))
    tk.check_access("dcat_catalog_show", {}, {})
    per_page = tk.config.get("ckanext.dcat.datasets_per_page")
    per_page = int(per_page or 100)
    fq_list = list(_EXCLUDED_TYPES)
    if since:
        fq_list.append(f"metadata_modified:[{since} TO NOW]")
    try:
        result = tk.get_action("package_search")({}, {
            "q": args.get("q") or "*:*", "fq": args.get("fq") or "", "fq_list": fq_list,
            "rows": per_page, "start": per_page * (page - 1),
            "sort": "metadata_modified desc"})
    except search.SearchError as error:
        # CKAN's answer to a query the search engine cannot read (with Solr as
        # with ours), and its SearchQueryError: the harvester's mistake
        return _bad_request(tk._("The search cannot be read (q or fq): %(error)s")
                            % {"error": error})
    except tk.ValidationError as error:
        return _bad_request(tk._("The search cannot be read (q or fq): %(error)s")
                            % {"error": error.error_summary})
    profiles = args.get("profiles")
    try:
        serializer = RDFSerializer(profiles=profiles.split(",") if profiles else None)
        prefetch(serializer.g, result["results"])
        body = serializer.serialize_catalog({}, result["results"], _format=_format,
                                            pagination_info=_pagination(args, page, per_page,
                                                                        result))
    except RDFProfileException as error:
        return _bad_request(tk._("Unknown RDF profile: %(error)s") % {"error": error})
    except tk.ObjectNotFound:
        # ckanext-dcat's stock profiles want a scheming schema for the plain
        # "dataset" type, which this portal does not have
        return _bad_request(tk._("The RDF profiles %(profiles)s cannot describe this "
                                 "portal's datasets: leave out profiles to get the "
                                 "default one.") % {"profiles": profiles})
    response = make_response(body)
    response.headers["Content-type"] = utils.CONTENT_TYPES[_format]
    return response
