"""The observatoire over time, as pages: the evolution charts, "since last
month", the history's exports and their errors."""
from __future__ import annotations

import csv
import io
import json

from ckan.tests import helpers

from ckanext.opendatalocale.report import history
from ckanext.opendatalocale.report.views import month_before

from ..validation.conftest import upload
from .conftest import SUBVENTIONS
from .test_history import take
from .test_pages import soup

EPCI = "epci-243500139"


def a_month_of_history(sysadmin: str) -> None:
    """A snapshot a month ago; then Betton publishes conformant subventions
    and today's snapshot counts them."""
    take(month_before(history.today()))
    betton = helpers.call_action("package_create", {"user": sysadmin}, type="subventions",
                                 name="subventions-betton", title="Subventions",
                                 owner_org="commune-35024")
    helpers.call_action("resource_create", {"user": sysadmin}, package_id=betton["id"],
                        name="fichier.csv", format="CSV", upload=upload(SUBVENTIONS))
    take(history.today())


def test_month_before_keeps_the_day_or_the_month_s_last():
    from datetime import date
    assert month_before(date(2026, 12, 2)) == date(2026, 11, 2)
    assert month_before(date(2026, 3, 31)) == date(2026, 2, 28)
    assert month_before(date(2026, 1, 15)) == date(2025, 12, 15)


def test_before_any_snapshot_the_page_says_when_history_starts(app, scene):
    page = soup(app.get(f"/observatoire/{EPCI}"))
    section = page.select_one("#observatoire-evolution").find_next("p")
    assert "premier relevé quotidien" in section.get_text()
    assert not page.select("svg.observatoire-evolution")


def test_a_territory_page_charts_each_type_and_the_month_s_change(app, scene):
    a_month_of_history(scene["sysadmin"])
    page = soup(app.get(f"/observatoire/{EPCI}"))
    charts = page.select("figure.observatoire-chart")
    assert {c["data-type"] for c in charts} >= {"subventions", "deliberations"}
    chart = page.select_one('figure[data-type="subventions"] svg.observatoire-evolution')
    assert chart["role"] == "img" and "Subventions" in chart["aria-label"]
    publishing, conformant = chart.select("polyline")
    # two periods: a step up of the conformant line, four points
    levels = [float(p.split(",")[1]) for p in conformant["points"].split()]
    assert len(levels) == 4 and levels[2] < levels[0]  # higher on screen: more communes
    assert publishing.select_one("title").get_text() == "Communes qui publient"
    change = page.select_one('#observatoire-totals tr[data-type="subventions"] '
                             'td.observatoire-change')
    assert change["data-change"] == "1"
    assert change.get_text(strip=True) == "+1 commune conforme"
    same = page.select_one('#observatoire-totals tr[data-type="deliberations"] '
                           'td.observatoire-change')
    assert same.get_text(strip=True) == "inchangé"
    # a type nobody published: a sentence, not an empty chart
    budget = page.select_one('figure[data-type="budget"]')
    assert budget.select_one("svg") is None and "Aucune commune" in budget.get_text()


def test_the_obliged_filter_charts_obliged_communes(app, scene):
    a_month_of_history(scene["sysadmin"])
    page = soup(app.get(f"/observatoire/{EPCI}", query_string={"obligation_only": "true"}))
    chart = page.select_one('figure[data-type="subventions"] svg')
    assert chart.select("polyline")[0].select_one("title").get_text() == \
        "Communes obligées qui publient"


def test_a_commune_page_has_no_history_section(app, scene):
    take(history.today())
    page = soup(app.get("/observatoire/commune-35238"))
    assert page.select_one("#observatoire-evolution") is None


def test_the_history_exports(app, scene):
    a_month_of_history(scene["sysadmin"])
    response = app.get(f"/observatoire/{EPCI}/history.csv", query_string={"type": "subventions"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.body.lstrip("\ufeff")), delimiter=";"))
    assert [(line["type"], line["conformes"]) for line in lines] == [
        ("subventions", "1"), ("subventions", "2")]
    assert lines[0]["du"] == month_before(history.today()).isoformat()
    assert lines[1]["au"] == history.today().isoformat()
    france = json.loads(app.get("/observatoire/history.json").body)
    api = helpers.call_action("scdl_compliance_history", {})
    assert france == api and france["territory"]["title"] == "France"
    page = soup(app.get(f"/observatoire/{EPCI}"))
    links = [a["href"] for a in page.select(".observatoire-exports a")]
    assert f"/observatoire/{EPCI}/history.csv" in links


def test_history_exports_refuse_bad_parameters_with_the_accepted_values(app, scene):
    take(history.today())
    today = history.today().isoformat()
    wrong = app.get(f"/observatoire/{EPCI}/history.csv", query_string={"from": "2001-01-01",
                                                                        "to": "2001-02-01"},
                    status=409)
    assert f"{today} au {today}" in wrong.body or f"{today} to {today}" in wrong.body
    assert app.get(f"/observatoire/{EPCI}/history.json", query_string={"from": "hier"},
                   status=409).status_code == 409
    assert app.get("/observatoire/nowhere/history.json", status=404).status_code == 404
    for url in ("/observatoire/%00/history.json", "/observatoire/%00",  # a NUL names nothing
                "/observatoire/%00/opendatafrance.csv",
                "/api/3/action/scdl_compliance_history?territory=%00",
                "/api/3/action/scdl_compliance_show?territory=%00"):
        assert app.get(url, status=404).status_code == 404, url
    assert app.get("/observatoire/commune-35238/history.csv", status=409).status_code == 409


def test_the_opendatafrance_export_lists_the_publishing_organisations(app, scene):
    sysadmin = {"user": scene["sysadmin"]}
    # a hostile title: a spreadsheet must not run it
    helpers.call_action("organization_patch", sysadmin, id="commune-35047",
                        title="=HYPERLINK(\"http://evil\")")
    response = app.get(f"/observatoire/{EPCI}/opendatafrance.csv")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    lines = {line["cog"]: line for line in csv.DictReader(io.StringIO(response.body))}
    # Betton's datasets are private or deleted: not a publisher
    assert set(lines) == {"35238", "35051", "35047"}
    rennes = lines["35238"]
    assert (rennes["nom"], rennes["type"], rennes["regcode"], rennes["depcode"]) == (
        "Rennes", "COM", "53", "35")
    assert rennes["siren"] == "213502388" and rennes["obligation"] == "oui"
    assert rennes["nb-ptf"] == "2" and rennes["url-ptf"].endswith("/organization/commune-35238")
    assert (rennes["scdl-subventions"], rennes["scdl-deliberations"]) == (
        "conforme", "sans-validation")
    assert (rennes["scdl-publies"], rennes["scdl-conformes"]) == ("2", "1")
    assert lines["35047"]["nom"].startswith("'=")
    assert list(lines["35238"])[:5] == ["siren", "nom", "type", "regcode", "depcode"]
    france = app.get("/observatoire/opendatafrance.csv").body
    assert france.count("\n") == 4  # the header and the same three communes
    assert app.get("/observatoire/nowhere/opendatafrance.csv", status=404)
    page = soup(app.get(f"/observatoire/{EPCI}"))
    assert f"/observatoire/{EPCI}/opendatafrance.csv" in [
        a["href"] for a in page.select(".observatoire-exports a")]


def test_the_chart_s_axis_rises_to_a_round_number_above_the_publishers():
    from ckanext.opendatalocale.report.chart import _nice
    assert [_nice(v) for v in (0, 3, 5, 39, 41, 101, 35000)] == [4, 4, 10, 40, 100, 200, 40000]
