"""The resource page's report speaks to a person: no regular expression, one
message per column and kind of error with its rows, whose file it seems to
be, where to go next, a dead link said as such, a check in progress that
follows itself."""
import re

import pytest
from bs4 import BeautifulSoup
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers

from .conftest import VALID, status
from .test_offline_and_links import files_server  # noqa: F401 (fixture)

REGEX_CHARACTERS = set("^$\\[]{}|()*+?")


def with_french_dates(rows: int) -> bytes:
    """The valid file, ``rows`` times, each dateConvention written the French way."""
    header, row = VALID.decode("utf-8").splitlines()[:2]
    position = header.split(",").index("dateConvention")
    lines = [header]
    for day in range(1, rows + 1):
        cells = row.split(",")
        year, month, _ = cells[position].split("-")
        cells[position] = f"{day:02d}/{month}/{year}"
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def report_of(app, resource_id: str, user=None):
    headers = {"Authorization": user["token"]} if user else {}
    body = app.get(f"/subventions/subventions-2025/resource/{resource_id}",
                   headers=headers).body
    return BeautifulSoup(body, "html.parser").find(id="validation-report")


def words(tag) -> str:
    return " ".join(tag.get_text(" ").split())


@pytest.fixture
def editor_token(editor):
    token = helpers.call_action("api_token_create", context={"user": editor["name"]},
                                user=editor["name"], name="test")["token"]
    return {"token": token}


@pytest.mark.usefixtures("clean_db")
class TestInWords:
    def test_errors_grouped_with_their_rows_and_no_regular_expression(
            self, app, add_file, editor_token):
        resource = add_file(with_french_dates(7))
        report = report_of(app, resource["id"], editor_token)
        text = words(report)
        column = report.find(id="report-dateConvention")
        kinds = column.find_all("li")
        assert len(kinds) == 1  # seven errors, one message
        assert words(kinds[0]).startswith(
            "Lignes 2, 3, 4, 5 et 3 autres : 7 valeurs de dateConvention ne sont pas sous "
            "la forme attendue.")
        assert words(column.find("p")).startswith("Attendu : une date au format AAAA-MM-JJ")
        assert "Par exemple, ligne 2 :" in words(kinds[0])
        assert "Écrivez plutôt" in words(kinds[0])
        # what the SIRET column expects is said in words, nowhere a pattern
        assert "\\d" not in text and "expression" not in text
        for expects in report.find_all("p", string=re.compile("^Attendu")):
            assert not REGEX_CHARACTERS & set(re.sub(r"« [^»]* »", "", expects.text))

    def test_the_next_steps_under_the_report(self, app, add_file, editor_token):
        resource = add_file(with_french_dates(2))
        links = {a.get_text(strip=True): a["href"]
                 for a in report_of(app, resource["id"], editor_token).select(
                     ".scdl-report-next a")}
        assert links["Remplacer le fichier"] == (
            f"/subventions/subventions-2025/resource/{resource['id']}/edit")
        assert links["Modèle CSV"].startswith("/socle-commun/subventions/modele.csv?version=")
        assert links["Modèle Excel"].startswith("/socle-commun/subventions/modele.xlsx")
        assert links["Guide de saisie"].startswith("/socle-commun/subventions/")
        assert app.get(links["Modèle CSV"]).status_code == 200
        # a visitor gets the templates and the guide, not the replacement
        visitor = {a.get_text(strip=True) for a in report_of(app, resource["id"]).select(
            ".scdl-report-next a")}
        assert visitor == {"Modèle CSV", "Modèle Excel", "Guide de saisie"}

    def test_an_english_visitor_reads_the_page_in_english(self, app, add_file):
        """The same file's report, on the English page: every message of the
        core in English, still no regular expression."""
        resource = add_file(with_french_dates(7))
        body = app.get(f"/en/subventions/subventions-2025/resource/{resource['id']}").body
        assert "CSV template" in body
        report = BeautifulSoup(body, "html.parser").find(id="validation-report")
        text = words(report)
        assert words(report.select_one(".scdl-report-summary")) == \
            "7 errors in 1 column (7 rows read)"
        column = report.find(id="report-dateConvention")
        [kind] = column.find_all("li")
        assert " ".join(kind.get_text().split()).startswith(
            "Rows 2, 3, 4, 5 and 3 others: 7 values of dateConvention are not in the "
            "expected form.")
        assert words(column.find("p")).startswith(
            "Expected: a date in the format YYYY-MM-DD")
        assert "For example, row 2: “01/" in words(kind)
        assert re.search(r"Write \d{4}-\d\d-01 instead\.", words(kind))
        for french in ("Écrivez", "valeurs", "Lignes", "« ", "attendu", "erreur"):
            assert french not in text, french
        for expects in report.find_all("p", string=re.compile("^Expected")):
            assert not REGEX_CHARACTERS & set(re.sub(r"“[^”]*”", "", expects.text))
        # and its badge
        assert "Conforms" not in text and "Does not conform" in text

    def test_the_api_gives_the_message_and_its_key(self, app, add_file):
        resource = add_file(with_french_dates(2))
        url = f"/api/3/action/resource_validation_show?resource_id={resource['id']}"
        french = app.get(url).json["result"]["report"]
        english = app.get("/en" + url).json["result"]["report"]
        assert french["summary"] == "2 erreurs dans 1 colonne"
        assert english["summary"] == "2 errors in 1 column"
        assert french["summary_key"] == english["summary_key"] == {
            "key": "{errors} in {columns}",
            "params": {"errors": {"key": "{num} error", "plural": "{num} errors", "count": 2,
                                  "params": {"num": 2}},
                       "columns": {"key": "{num} column", "plural": "{num} columns",
                                   "count": 1, "params": {"num": 1}}}}
        [first, _] = english["errors"]
        assert first["message"].startswith("“01/")
        assert "is not what dateConvention expects: a date in the format YYYY-MM-DD" in \
            first["message"]
        assert first["message_key"]["key"] == (
            "{value} is not what {column} expects: {expects}. Write {fix} instead.")
        assert first["message_key"]["params"]["column"] == "dateConvention"
        assert french["errors"][0]["message"].startswith("« 01/")


def organisation(name: str, title: str, siren: str):
    return factories.Organization(name=name, title=title, siren=siren)


@pytest.mark.usefixtures("clean_db")
class TestWhoseFile:
    """The template's idAttribuant is 23350001600040 (SIREN 233500016)."""

    def test_another_communes_siret_is_named_as_a_warning(self, app, editor):
        organisation("commune-06004", "Antibes", "233500016")
        own = organisation("commune-35051", "Cesson-Sévigné", "213505100")
        dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                      type="subventions", name="subventions-2025",
                                      owner_org=own["id"])
        from .conftest import upload
        resource = helpers.call_action(
            "resource_create", context={"user": editor["name"]}, package_id=dataset["id"],
            format="CSV", upload=upload(VALID))
        assert status(resource["id"])["status"] == "success"  # a warning, not an error
        warnings = [words(w) for w in report_of(app, resource["id"]).select(
            ".scdl-report-publisher p")]
        assert warnings[0].startswith("Ce fichier semble être celui d'Antibes")
        assert warnings[1].startswith("Le numéro SIREN de Cesson-Sévigné est 213505100")

    def test_an_unknown_siren_is_given(self, app, editor):
        own = organisation("commune-35051", "Cesson-Sévigné", "213505100")
        dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                      type="subventions", name="subventions-2025",
                                      owner_org=own["id"])
        from .conftest import upload
        resource = helpers.call_action(
            "resource_create", context={"user": editor["name"]}, package_id=dataset["id"],
            format="CSV", upload=upload(VALID))
        warning = words(report_of(app, resource["id"]).select(".scdl-report-publisher")[0])
        assert warning.startswith("Ce fichier semble être celui d'une autre collectivité "
                                  "(SIREN 233500016)")

    def test_her_own_file_says_nothing(self, app, editor):
        own = organisation("commune-35051", "Cesson-Sévigné", "233500016")
        dataset = helpers.call_action("package_create", context={"user": editor["name"]},
                                      type="subventions", name="subventions-2025",
                                      owner_org=own["id"])
        from .conftest import upload
        resource = helpers.call_action(
            "resource_create", context={"user": editor["name"]}, package_id=dataset["id"],
            format="CSV", upload=upload(VALID))
        assert report_of(app, resource["id"]).select(".scdl-report-publisher") == []


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
def test_a_dead_link_is_unreachable_not_invalid(app, editor, subventions, files_server):  # noqa: F811
    _, base = files_server
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{base}/absent.csv")
    Worker().work(burst=True)
    text = words(report_of(app, resource["id"]))
    assert "Fichier inaccessible (HTTP 404)" in text
    assert "Non conforme" not in text
    dataset_page = app.get("/subventions/subventions-2025").body
    assert "Fichier inaccessible (HTTP 404)" in dataset_page
    assert "scdl-validation-unreachable" in dataset_page
    # and so does its card in the search results
    from bs4 import BeautifulSoup
    card = BeautifulSoup(app.get("/dataset/").body, "html.parser").select_one(".dataset-item")
    assert card.select_one(".scdl-validation").get_text(strip=True) == \
        "Fichier inaccessible (HTTP 404)"
    assert "File unreachable (HTTP 404)" in app.get("/en/subventions/subventions-2025").body
    card = BeautifulSoup(app.get("/en/dataset/").body, "html.parser").select_one(
        ".dataset-item")
    assert card.select_one(".scdl-validation").get_text(strip=True) == \
        "File unreachable (HTTP 404)"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.allow_private_addresses", True)
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.max_download_bytes", 100)
def test_a_linked_file_too_big_is_unreachable_with_its_reason(
        app, editor, subventions, files_server):  # noqa: F811
    folder, base = files_server
    (folder / "subventions.csv").write_bytes(VALID)
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{base}/subventions.csv")
    Worker().work(burst=True)
    assert status(resource["id"])["status"] == "error"
    assert "Fichier inaccessible (trop volumineux)" in words(report_of(app, resource["id"]))
    english = app.get(f"/en/subventions/subventions-2025/resource/{resource['id']}").body
    assert "File unreachable (too large)" in english


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.opendatalocale.validation.synchronous_max_bytes", 10)
def test_a_check_in_progress_follows_itself(app, add_file):
    resource = add_file(with_french_dates(2))
    report = report_of(app, resource["id"])
    assert report.has_attr("data-validation-refresh")
    assert report["data-url"] == (
        f"/api/3/action/resource_validation_show?resource_id={resource['id']}")
    assert report["data-status"] == "running"
    # on the English page, the status asked is the English one
    english = BeautifulSoup(app.get(
        f"/en/subventions/subventions-2025/resource/{resource['id']}").body,
        "html.parser").find(id="validation-report")
    assert english["data-url"] == "/en" + report["data-url"]
    assert "will update by itself" in english.find(class_="scdl-report-live").text
    live = report.find(class_="scdl-report-live")
    assert live["role"] == "status" and live["aria-live"] == "polite"
    assert "se mettra à jour d'elle-même" in live.text
    page = app.get(f"/subventions/subventions-2025/resource/{resource['id']}").body
    assert "validation_refresh.js" in page and "<script>" not in page
    Worker().work(burst=True)
    report = report_of(app, resource["id"])
    assert not report.has_attr("data-validation-refresh")
    assert "validation_refresh.js" not in app.get(
        f"/subventions/subventions-2025/resource/{resource['id']}").body
