"""Response headers that keep the browser from running what the portal serves.

CKAN serves uploaded files from the portal's own origin, ``inline`` and with
the type the uploader chose: an editor's HTML or SVG would run as whoever
opens it. Downloads are therefore sandboxed and, unless their type is one a
browser only displays, sent as attachments. Every other response gets the
page policy (CSP, framing, referrer) and ``nosniff``.
"""
from __future__ import annotations

from flask import Response, request

import ckan.plugins.toolkit as tk

__all__ = ["secure"]

PAGE_POLICY_OPTION = "ckanext.opendatalocale.security.content_security_policy"
# a sandboxed document has an opaque origin and no scripts, forms or plugins
DOWNLOAD_POLICY = "sandbox; default-src 'none'"
# types a browser shows without running or laying out a document
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp",
                          "text/plain", "text/csv"})
# CKAN core templates whose inline scripts the page policy would block: the
# upload field of the resource form (onclick handlers) and the resource view
# frames (inline data scripts). Only these endpoints get 'unsafe-inline'.
INLINE_SCRIPT_VIEWS = frozenset({"new", "edit", "view", "edit_view"})


def secure(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if _is_upload():
        headers["Content-Security-Policy"] = DOWNLOAD_POLICY
        if response.mimetype not in INLINE_TYPES:
            headers["Content-Disposition"] = _as_attachment(headers.get("Content-Disposition"))
    elif "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = _page_policy()
    return response


def _is_upload() -> bool:
    """A resource download (core's blueprint and each dataset type's) or a
    file of ``ckan.storage_path`` served under /uploads (group, user and
    site images)."""
    endpoint = request.endpoint or ""
    blueprint, _, view = endpoint.rpartition(".")
    if view == "download" and (blueprint == "resource" or blueprint.endswith("_resource")):
        return True
    filename = (request.view_args or {}).get("filename") or ""
    return endpoint == "static" and filename.startswith("uploads/")


def _as_attachment(disposition: str | None) -> str:
    """Keep the file name Werkzeug wrote, change only the disposition."""
    if not disposition:
        return "attachment"
    kind, separator, parameters = disposition.partition(";")
    return "attachment" + separator + parameters


def _page_policy() -> str:
    policy = tk.config[PAGE_POLICY_OPTION]
    blueprint, _, view = (request.endpoint or "").rpartition(".")
    if view in INLINE_SCRIPT_VIEWS and (blueprint == "resource" or blueprint.endswith("_resource")):
        policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    return policy
