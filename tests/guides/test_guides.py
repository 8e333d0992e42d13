"""The guides for each actor: shipped in French, linked to real pages, listed
from the home and socle-commun pages, edited by sysadmins only, safe."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from ckan.logic import NotAuthorized, NotFound, ValidationError
from ckan.tests import factories, helpers

from ckanext.opendatalocale.guides import texts as content

from ..datasets.forms import PASSWORD, csrf, logged_in

SECTIONS = ["Ce que la loi demande", "Le socle commun en bref", "Les étapes dans ce portail",
            "Liste de contrôle"]


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.body, "html.parser")


def test_about_ten_guides_ship_each_with_the_four_sections():
    guides = content.shipped()
    assert 8 <= len(guides) <= 12
    for guide in guides.values():
        headings = re.findall(r"^## (.+)$", guide.body, re.M)
        assert headings[:4] == SECTIONS, guide.slug
        assert guide.title and guide.audience and guide.summary
        checklist = guide.body.split("## Liste de contrôle", 1)[1]
        assert checklist.count("☐") >= 3, guide.slug


def test_every_link_of_every_guide_reaches_a_real_page(app, clean_db):
    from ..territories.conftest import load
    load({"departement": "35"})
    links = set()
    for guide in content.shipped().values():
        links |= set(re.findall(r"\]\((/[^)\s]*)\)", guide.body))
    assert len(links) >= 8
    sysadmin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    for link in sorted(links):
        response = app.get(link, headers=headers)
        assert response.status_code == 200, link


def test_the_list_and_a_guide_as_pages(app, clean_db):
    page = soup(app.get("/guides"))
    items = page.select("#guide-list li")
    assert [li["data-guide"] for li in items] == list(content.shipped())
    first = items[0].select_one("a")
    guide = soup(app.get(first["href"]))
    assert guide.select_one("h1").get_text(strip=True) == first.get_text(strip=True)
    assert [h.get_text(strip=True) for h in guide.select(".guide-body h2")][:4] == SECTIONS
    assert not guide.select(".guide-admin")  # a visitor cannot edit
    assert app.get("/guides/nowhere", status=404).status_code == 404


def test_the_home_and_socle_commun_pages_list_the_guides(app, clean_db):
    wanted = {f"/guides/{slug}" for slug in content.shipped()}
    for url in ("/", "/socle-commun/", "/socle-commun/deliberations/"):
        links = {a["href"] for a in soup(app.get(url)).select("a")}
        assert wanted <= links, url


def edit(client, slug: str, **fields):
    form = client.get(f"/guides/{slug}/modifier")
    assert form.status_code == 200
    shipped = content.shipped()[slug]
    data = {"_csrf_token": csrf(form.body), "title": shipped.title,
            "audience": shipped.audience, "summary": shipped.summary, "body": shipped.body}
    data.update(fields)
    return client.post(f"/guides/{slug}/modifier", data=data, follow_redirects=False)


def test_a_sysadmin_edits_a_guide_and_gives_it_back_its_text(app, clean_db):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    client = logged_in(app, sysadmin)
    slug = next(iter(content.shipped()))
    saved = edit(client, slug, title="Élu·e : ouvrir les données, vite",
                 body="## Ce que la loi demande\n\nUn texte **revu** par le portail.\n")
    assert saved.status_code == 302
    page = soup(client.get(f"/guides/{slug}"))
    assert page.select_one("h1").get_text(strip=True) == "Élu·e : ouvrir les données, vite"
    assert page.select_one(".guide-body strong").get_text() == "revu"
    assert "Modifié sur ce portail" in page.select_one(".guide-admin").get_text()
    shown = helpers.call_action("opendatalocale_guide_show", slug=slug)
    assert shown["edited"] and "revu" in shown["body"]
    form = client.get(f"/guides/{slug}/modifier")
    reset = client.post(f"/guides/{slug}/reinitialiser", data={"_csrf_token": csrf(form.body)},
                        follow_redirects=False)
    assert reset.status_code == 302
    assert helpers.call_action("opendatalocale_guide_show", slug=slug)["body"] == \
        content.shipped()[slug].body


def test_only_sysadmins_edit_guides(app, clean_db):
    slug = next(iter(content.shipped()))
    editor = factories.User(password=PASSWORD)
    org = factories.Organization()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="admin")
    client = logged_in(app, editor)
    assert client.get(f"/guides/{slug}/modifier").status_code == 403
    assert app.get(f"/guides/{slug}/modifier", status=403).status_code == 403
    token = csrf(client.get("/guides").body)
    assert client.post(f"/guides/{slug}/reinitialiser", data={"_csrf_token": token}
                       ).status_code == 403  # a valid form, refused for its author
    with pytest.raises(NotAuthorized):
        helpers.call_action("opendatalocale_guide_update",
                            {"user": editor["name"], "ignore_auth": False}, slug=slug,
                            title="x", audience="x", summary="x", body="x")
    assert not helpers.call_action("opendatalocale_guide_show", slug=slug)["edited"]


def test_hostile_markdown_runs_nothing(app, clean_db):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    client = logged_in(app, sysadmin)
    slug = next(iter(content.shipped()))
    body = ("## Titre\n\n<script>alert(1)</script>\n\n[clic](javascript:alert(2))\n\n"
            "<img src=x onerror=alert(3)>\n")
    assert edit(client, slug, body=body, title="<b>titre</b>").status_code == 302
    page = client.get(f"/guides/{slug}").body
    guide = BeautifulSoup(page, "html.parser").select_one("#guide")
    assert not guide.select("script") and not guide.select("img[onerror]")
    assert not [a for a in guide.select("a") if "javascript" in (a.get("href") or "")]
    assert guide.select_one("h1").get_text() == "<b>titre</b>"  # text, not markup


@pytest.mark.parametrize("fields, field, words", [
    ({"body": "Texte\x00caché"}, "body", "caractères de contrôle"),
    ({"title": "x" * 201}, "title", "Au plus 200"),
    ({"summary": ""}, "summary", "Valeur manquante"),
    ({"audience": "deux\nlignes"}, "audience", "Une seule ligne"),
])
def test_a_bad_field_is_a_french_error_and_the_text_is_kept(app, clean_db, fields, field,
                                                           words):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    client = logged_in(app, sysadmin)
    slug = next(iter(content.shipped()))
    kept = "Mon long texte en cours de rédaction, à ne pas perdre."
    response = edit(client, slug, **dict({"body": kept} if field != "body" else {}, **fields))
    assert response.status_code == 409
    page = BeautifulSoup(response.body, "html.parser")
    assert words in page.select_one(f"#field-{field}-error").get_text()
    if field != "body":
        assert kept in page.select_one("#field-body").get_text()
    assert not helpers.call_action("opendatalocale_guide_show", slug=slug)["edited"]


def test_the_api_lists_and_refuses_an_unknown_guide(clean_db):
    listed = helpers.call_action("opendatalocale_guide_list", {"user": "", "ignore_auth": False})
    assert [g["slug"] for g in listed] == list(content.shipped())
    assert all("body" not in g for g in listed)
    with pytest.raises(NotFound):
        helpers.call_action("opendatalocale_guide_show", slug="nowhere")
    with pytest.raises(ValidationError):
        helpers.call_action("opendatalocale_guide_update", slug=listed[0]["slug"], title="",
                            audience="a", summary="b", body="c")
