"""Conformant SCDL files become typed DataStore tables (issue 17, item 1):
loaded by the jobs worker right after their check, with the Table Schema's
types, by COPY; an unchanged file is not reloaded, a replaced one replaces
its table, one no longer conformant keeps the last conformant table (marked),
a deleted resource loses its table. Read through the DataStore API: typed
values, filters, SQL by the read-only role."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import ckan.plugins.toolkit as tk
from ckan.lib.jobs import Worker
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.templates import csv_template, example_row

SLUGS = catalogue().slugs


def upload(content: bytes, name: str = "fichier.csv") -> FileStorage:
    return FileStorage(io.BytesIO(content), name, content_type="text/csv")


def table_schema(slug: str) -> dict:
    return catalogue().get(slug).latest.table_schema()


def rows_csv(slug: str, rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    """The template's example row, with ``rows`` values over it (one line each)."""
    schema = table_schema(slug)
    names = [f["name"] for f in schema["fields"]]
    example = dict(zip(names, example_row(schema)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([{**example, **row}[n] for n in names])
    return out.getvalue().encode("utf-8")


def work() -> None:
    Worker().work(burst=True)


def table(resource_id: str) -> dict:
    return helpers.call_action("scdl_table_show", resource_id=resource_id)


def search(resource_id: str, **params) -> dict:
    return helpers.call_action("datastore_search", resource_id=resource_id, **params)


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def add_dataset(sysadmin):
    org = factories.Organization(name="commune-35051")

    def add_dataset(slug: str, content: bytes, name: str = "fichier.csv"):
        dataset = helpers.call_action(
            "package_create", context={"user": sysadmin["name"]}, type=slug,
            name=f"{slug}-test", title=f"{slug} test", owner_org=org["id"])
        return helpers.call_action(
            "resource_create", context={"user": sysadmin["name"]},
            package_id=dataset["id"], name=name, format="CSV", upload=upload(content, name))
    return add_dataset


def replace(sysadmin, resource: dict, content: bytes, name: str = "fichier.csv") -> dict:
    return helpers.call_action("resource_patch", context={"user": sysadmin["name"]},
                               id=resource["id"], upload=upload(content, name))


def python_value(field: dict, text: str):
    """What the DataStore's JSON should give for the example's text."""
    kind = field.get("type", "string")
    if text == "":
        return None
    if kind == "integer" or kind == "year":
        return int(text)
    if kind == "number":
        return Decimal(text)
    if kind == "boolean":
        return text in field.get("trueValues", ["true", "True", "TRUE", "1"])
    if kind == "date":
        return dt.date.fromisoformat(text).isoformat()
    return text


@pytest.mark.usefixtures("clean_db", "clean_queues")
class TestLoading:
    @pytest.mark.parametrize("slug", SLUGS)
    def test_each_type_is_loaded_with_its_schemas_types(self, add_dataset, slug):
        schema = table_schema(slug)
        resource = add_dataset(slug, csv_template(schema).encode("utf-8"))
        assert helpers.call_action("resource_validation_show",
                                   resource_id=resource["id"])["status"] == "success"
        work()
        state = table(resource["id"])
        assert state["state"] == "loaded", state
        assert state["rows"] == 1 and state["current"] is True
        found = search(resource["id"])
        types = {f["id"]: f["type"] for f in found["fields"]}
        expected = {"string": "text", "integer": "int8", "number": "numeric",
                    "boolean": "bool", "date": "date", "datetime": "timestamp",
                    "year": "int4"}
        for field in schema["fields"]:
            assert types[field["name"]] == expected.get(field.get("type", "string"), "text")
        record = found["records"][0]
        for field, text in zip(schema["fields"], example_row(schema)):
            value = record[field["name"]]
            wanted = python_value(field, text)
            if field.get("type") == "number" and value is not None:
                assert isinstance(value, (int, float)) and not isinstance(value, bool)
                assert Decimal(str(value)) == wanted, field["name"]
            elif field.get("type") == "datetime" and value is not None:
                assert value.startswith(text[:19].replace(" ", "T")), (field["name"], value)
            elif field.get("type") in ("array", "geopoint") or (
                    field.get("type") == "string" and wanted is not None):
                assert value == text, field["name"]
            else:
                assert value == wanted, (field["name"], value, wanted)

    def test_columns_follow_the_schema_whatever_the_files_order_and_delimiter(
            self, add_dataset):
        schema = table_schema("deliberations")
        names = [f["name"] for f in schema["fields"]]
        row = dict(zip(names, example_row(schema)))
        reordered = list(reversed(names))
        text = ";".join(reordered) + "\r\n" + ";".join(row[n] for n in reordered) + "\r\n"
        resource = add_dataset("deliberations", text.encode("cp1252", errors="replace"))
        work()
        found = search(resource["id"])
        assert [f["id"] for f in found["fields"] if not f["id"].startswith("_")] == names
        assert found["records"][0]["DELIB_OBJET"] == row["DELIB_OBJET"]

    def test_filters_full_text_and_sql_through_the_read_only_role(self, add_dataset):
        resource = add_dataset("deliberations", rows_csv("deliberations", [
            {"DELIB_ID": "2025-001", "DELIB_OBJET": "Vente du presbytère"},
            {"DELIB_ID": "2025-002", "DELIB_OBJET": "Tarifs de la cantine"},
            {"DELIB_ID": "2025-003", "DELIB_OBJET": "Travaux de voirie"}]))
        work()
        filtered = search(resource["id"], filters={"DELIB_ID": "2025-002"})
        assert [r["DELIB_OBJET"] for r in filtered["records"]] == ["Tarifs de la cantine"]
        words = search(resource["id"], q="cantines")   # French stemming
        assert [r["DELIB_ID"] for r in words["records"]] == ["2025-002"]
        sql = helpers.call_action(
            "datastore_search_sql",
            sql=f'SELECT "DELIB_ID" FROM "{resource["id"]}" WHERE "DELIB_OBJET" LIKE \'Tra%\' '
                'ORDER BY 1')
        assert [r["DELIB_ID"] for r in sql["records"]] == ["2025-003"]
        for hostile in (f'DELETE FROM "{resource["id"]}"',
                        f'SELECT 1; DROP TABLE "{resource["id"]}"',
                        'SELECT * FROM pg_authid'):
            with pytest.raises((tk.ValidationError, tk.NotAuthorized)):
                helpers.call_action("datastore_search_sql", sql=hostile)
        assert search(resource["id"])["total"] == 3

    def test_a_preview_is_added(self, add_dataset):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}]))
        work()
        views = helpers.call_action("resource_view_list", id=resource["id"])
        assert "datatables_view" in [v["view_type"] for v in views]
        # once only: a file loaded again adds no second preview
        from ckanext.opendatalocale.tables import load
        assert load.load(resource["id"]) == "loaded"
        again = helpers.call_action("resource_view_list", id=resource["id"])
        assert [v["view_type"] for v in again].count("datatables_view") == 1
        assert helpers.call_action("resource_show", id=resource["id"])["datastore_active"]


@pytest.mark.usefixtures("clean_db", "clean_queues")
class TestAFileThatChanges:
    def test_an_unchanged_file_is_not_loaded_again(self, add_dataset, sysadmin):
        content = rows_csv("deliberations", [{}, {"DELIB_ID": "2025-009"}])
        resource = add_dataset("deliberations", content)
        work()
        before = table(resource["id"])
        replace(sysadmin, resource, content)
        work()
        after = table(resource["id"])
        assert after["loaded"] == before["loaded"] and after["state"] == "loaded"

    def test_a_replaced_file_replaces_its_table(self, add_dataset, sysadmin):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}, {}]))
        work()
        assert search(resource["id"])["total"] == 3
        replace(sysadmin, resource, rows_csv("deliberations", [{"DELIB_ID": "NEW-1"}]))
        work()
        found = search(resource["id"])
        assert found["total"] == 1 and found["records"][0]["DELIB_ID"] == "NEW-1"
        assert table(resource["id"])["rows"] == 1

    def test_a_file_no_longer_conformant_keeps_the_last_table_marked(
            self, app, add_dataset, sysadmin):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
        work()
        replace(sysadmin, resource, b"DELIB_ID;autre\r\n1;2\r\n")
        work()
        assert helpers.call_action("resource_validation_show",
                                   resource_id=resource["id"])["status"] == "failure"
        state = table(resource["id"])
        assert state["state"] == "loaded" and state["current"] is False
        assert search(resource["id"])["total"] == 2
        page = app.get(f"/dataset/deliberations-test/resource/{resource['id']}")
        assert "la table et l’API montrent encore le dernier fichier conforme" in page.body
        # a conformant file again: the table is current again
        replace(sysadmin, resource, rows_csv("deliberations", [{}]))
        work()
        assert table(resource["id"])["current"] is True
        assert search(resource["id"])["total"] == 1

    def test_a_deleted_resource_loses_its_table(self, add_dataset, sysadmin):
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}]))
        work()
        helpers.call_action("resource_delete", context={"user": sysadmin["name"]},
                            id=resource["id"])
        with pytest.raises(tk.ObjectNotFound):
            search(resource["id"])

    def test_a_file_lost_from_storage_keeps_the_previous_table(self, add_dataset):
        from ckan.lib import uploader
        from ckanext.opendatalocale.tables import load
        resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
        work()
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        import os
        os.unlink(path)
        assert load.load(resource["id"]) == "failed"
        state = table(resource["id"])
        assert state["state"] == "failed" and "fichier" in state["error"]
        assert search(resource["id"])["total"] == 2


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_the_command_loads_conformant_files_now(add_dataset, cli):
    from ckan.cli.cli import ckan as ckan_command
    resource = add_dataset("deliberations", rows_csv("deliberations", [{}, {}]))
    assert table(resource["id"])["state"] == "loading"      # queued, no worker ran
    result = cli.invoke(ckan_command, ["opendatalocale", "tables", "load", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{resource['id']}: loaded" in result.output
    assert search(resource["id"])["total"] == 2
    bad = cli.invoke(ckan_command, ["opendatalocale", "tables", "load", "no-such-resource"])
    assert bad.exit_code == 1 and "not checked, or no such resource" in bad.output
    assert cli.invoke(ckan_command, ["opendatalocale", "tables", "load"]).exit_code == 2
