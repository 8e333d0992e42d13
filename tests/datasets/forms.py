"""Shared by the form tests: logging a test client in, reading a form back."""
from __future__ import annotations

import re
from html import unescape

from ckan.tests import factories, helpers

PASSWORD = "Motdepasse-2026!"


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def logged_in(app, user: dict):
    client = app.test_client()
    page = client.get("/user/login")
    response = client.post("/user/login", data={
        "login": user["name"], "password": PASSWORD, "_csrf_token": csrf(page.body)})
    assert response.status_code in (200, 302)
    return client


def member(org: dict, role: str = "editor", **fields) -> dict:
    user = factories.User(password=PASSWORD, **fields)
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role=role)
    return user


def selected(body: str, select_id: str) -> list[str]:
    """The values a select shows selected."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*selected', select)


def options(body: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option[^>]*value="([^"]*)"', select)


def hidden(body: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body).group(1)


def summary(body: str) -> list[str]:
    """The form's error summary, item by item, as the visitor reads it."""
    block = re.search(r'<div class="error-explanation.*?</div>', body, re.S)
    if not block:
        return []
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", li)).split())
            for li in re.findall(r"<li[^>]*>(.*?)</li>", block.group(0), re.S)]
