"""The observatoire over time: the daily snapshot (the live report's counts,
one per day, nothing twice) and ``scdl_compliance_history``."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.logic import NotFound, ValidationError
from ckan.tests import helpers

from ckanext.opendatalocale.report import history

from ..validation.conftest import upload
from .conftest import SUBVENTIONS

EPCI = "epci-243500139"  # Rennes Métropole
TERRITORIES = [None, "region-53", "departement-35", EPCI]
DAY = date(2026, 11, 2)


def take(day: date) -> history.Taken:
    taken = history.take(day)
    model.Session.commit()
    return taken


def rows() -> list[tuple]:
    return model.Session.execute(sa.text(
        "SELECT territory_id, dataset_type, day_from, day_to, by_status "
        "FROM opendatalocale_report_snapshot ORDER BY 1, 2, 3")).fetchall()


def show(**params):
    return helpers.call_action("scdl_compliance_show", {"user": "", "ignore_auth": False},
                               **params)


def past(**params):
    return helpers.call_action("scdl_compliance_history", {"user": "", "ignore_auth": False},
                               **params)


def test_a_snapshot_holds_the_live_report_s_counts(scene):
    taken = take(DAY)
    assert taken.day == DAY and not taken.again
    assert taken.territories > 4  # France, the région, the département, its EPCI…
    for territory in TERRITORIES:
        live = show(territory=territory)["totals"]
        kept = past(territory=territory)
        assert kept["first_day"] == kept["last_day"] == DAY.isoformat()
        for kind, counts in live.items():
            [period] = kept["series"][kind]
            assert (period["from"], period["to"]) == (DAY.isoformat(), DAY.isoformat())
            assert {k: v for k, v in period.items() if k not in ("from", "to")} == counts
    epci = past(territory=EPCI, type="subventions")["series"]["subventions"][0]
    assert (epci["communes"], epci["publishing"], epci["conformant"]) == (43, 3, 1)
    assert epci["by_status"]["invalide"] == epci["by_status"]["perime"] == 1


def test_the_same_day_twice_replaces_that_day_s_snapshot(scene):
    take(DAY)
    before = rows()
    again = take(DAY)
    assert again.again and rows() == before
    # a commune publishes between two runs of the day: the day holds the last run
    helpers.call_action("package_create", {"user": scene["sysadmin"]}, type="deliberations",
                        name="deliberations-bruz", title="Délibérations", owner_org="commune-35047")
    take(DAY)
    after = rows()
    assert len(after) == len(before)
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM opendatalocale_report_snapshot_day")).scalar() == 1
    series = past(territory=EPCI, type="deliberations")["series"]["deliberations"]
    assert [p["publishing"] for p in series] == [2]


def test_a_day_without_change_writes_no_row_and_a_change_opens_a_period(scene):
    take(DAY)
    count = len(rows())
    quiet = take(date(2026, 11, 3))
    assert quiet.written == 0 and len(rows()) == count
    helpers.call_action("package_create", {"user": scene["sysadmin"]}, type="deliberations",
                        name="deliberations-bruz", title="Délibérations", owner_org="commune-35047")
    changed = take(date(2026, 11, 5))
    # France, the région, the département and the EPCI, for that type only
    assert changed.written == 4 and len(rows()) == count + 4
    series = past(territory=EPCI, type="deliberations")["series"]["deliberations"]
    assert [(p["from"], p["to"], p["publishing"]) for p in series] == [
        ("2026-11-02", "2026-11-04", 1), ("2026-11-05", "2026-11-05", 2)]
    # a range inside the history: the periods clipped to it
    clipped = past(territory=EPCI, type="deliberations", **{"from": "2026-11-04"})
    assert [(p["from"], p["to"]) for p in clipped["series"]["deliberations"]] == [
        ("2026-11-04", "2026-11-04"), ("2026-11-05", "2026-11-05")]
    assert history.counts_on("", ["deliberations"], date(2026, 11, 3))[
        "deliberations"].publishing == 1
    # the chart's samples: every day when few (the same periods), fewer when asked
    epci = model.Group.get(EPCI).id
    exact = history.series(epci, ["deliberations"], DAY, date(2026, 11, 5))
    assert history.sampled(epci, ["deliberations"], DAY, date(2026, 11, 5)) == exact
    coarse = history.sampled(epci, ["deliberations"], DAY, date(2026, 11, 5), points=2)
    assert [(p.start, p.end, p.counts.publishing) for p in coarse["deliberations"]] == [
        (DAY, date(2026, 11, 4), 1), (date(2026, 11, 5), date(2026, 11, 5), 2)]


def test_a_day_before_the_last_snapshot_is_refused(scene):
    take(DAY)
    with pytest.raises(history.EarlierDay):
        history.take(date(2026, 11, 1))
    model.Session.rollback()
    assert {r[2] for r in rows()} == {DAY}


def test_the_command_takes_today_s_snapshot_once(scene):
    runner = CliRunner()
    config = ["-c", "test.ini"]
    first = runner.invoke(ckan_command, [*config, "opendatalocale", "observatoire", "snapshot"])
    assert first.exit_code == 0, first.output
    assert f"Snapshot of {history.today()}" in first.output
    written = len(rows())
    second = runner.invoke(ckan_command, [*config, "opendatalocale", "observatoire", "snapshot"])
    assert second.exit_code == 0 and "replaced" in second.output
    model.Session.expire_all()
    assert len(rows()) == written
    assert past()["last_day"] == history.today().isoformat()


@pytest.mark.parametrize("params, key, words", [
    ({"territory": "commune-35238"}, "territory", "commune"),
    ({"from": "02/11/2026"}, "from", "YYYY-MM-DD"),
    ({"to": "2026-13-01"}, "to", "YYYY-MM-DD"),
    ({"from": "2026-11-05", "to": "2026-11-01"}, "from", "after"),
    ({"from": "2027-01-01"}, "from", "2026-11-02 to 2026-11-02"),
    ({"to": "2020-01-01"}, "from", "2026-11-02 to 2026-11-02"),
    ({"type": "budgets"}, "type", "deliberations"),
])
def test_bad_history_parameters_name_what_is_accepted(scene, params, key, words):
    take(DAY)
    with pytest.raises(ValidationError) as error:
        past(**params)
    assert words in " ".join(error.value.error_dict[key])


def test_an_unknown_territory_has_no_history(scene):
    with pytest.raises(NotFound):
        past(territory="nowhere")


def test_before_any_snapshot_the_history_is_empty_and_dates_are_refused(scene):
    empty = past(territory=EPCI)
    assert empty["first_day"] is None and empty["series"]["subventions"] == []
    with pytest.raises(ValidationError, match="No snapshot"):
        past(**{"from": "2026-01-01"})


def test_the_snapshot_counts_a_change_made_after_it_only_the_next_day(scene):
    take(DAY)
    betton = helpers.call_action("package_create", {"user": scene["sysadmin"]},
                                 type="subventions", name="subventions-betton",
                                 title="Subventions", owner_org="commune-35024")
    helpers.call_action("resource_create", {"user": scene["sysadmin"]},
                        package_id=betton["id"], name="fichier.csv", format="CSV",
                        upload=upload(SUBVENTIONS))
    assert show(territory=EPCI)["totals"]["subventions"]["conformant"] == 2
    assert past(territory=EPCI, type="subventions")["series"]["subventions"][0][
        "conformant"] == 1
    take(date(2026, 11, 3))
    series = past(territory=EPCI, type="subventions")["series"]["subventions"]
    assert [p["conformant"] for p in series] == [1, 2]
