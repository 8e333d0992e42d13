"""No page of its own: a blueprint whose hook sees every response of the app."""
from __future__ import annotations

from flask import Blueprint

from .headers import secure

__all__ = ["security"]

security = Blueprint("opendatalocale_security", __name__)
security.after_app_request(secure)
