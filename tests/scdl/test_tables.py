"""A conformant file as a typed table (core ``scdl/tables.py``): the
DataStore's columns from the Table Schema, and rows in the schema's order,
written as PostgreSQL's COPY reads them, whatever the file's order,
delimiter, encoding or format."""
from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.tables import (NotATable, columns, datastore_fields, rows,
                                                write_copy_csv)

SCHEMA = {"fields": [
    {"name": "nom", "type": "string", "title": "Nom"},
    {"name": "nombre", "type": "integer"},
    {"name": "montant", "type": "number"},
    {"name": "ouvert", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
    {"name": "actif", "type": "boolean"},
    {"name": "date", "type": "date"},
    {"name": "quand", "type": "datetime"},
    {"name": "annee", "type": "year"},
]}


def test_each_table_schema_type_has_its_postgresql_type():
    assert [(c.name, c.type) for c in columns(SCHEMA)] == [
        ("nom", "text"), ("nombre", "int8"), ("montant", "numeric"), ("ouvert", "bool"),
        ("actif", "bool"), ("date", "date"), ("quand", "timestamp"), ("annee", "int4")]
    assert datastore_fields(SCHEMA)[0] == {"id": "nom", "type": "text",
                                           "info": {"label": "Nom", "notes": ""}}


@pytest.mark.parametrize("slug", catalogue().slugs)
def test_every_scdl_schema_maps_to_known_types(slug):
    schema = catalogue().get(slug).latest.table_schema()
    assert {c.type for c in columns(schema)} <= {"text", "int8", "numeric", "bool", "date",
                                                   "timestamp", "time", "int4"}


def test_a_reordered_semicolon_file_in_windows_1252(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("date;nom;ouvert;montant;inconnue\r\n"
                     "2025-03-01;Salle des fêtes;oui;12.5;x\r\n"
                     "\r\n"
                     "2025-04-02;École;non;INF;y\r\n".encode("cp1252"))
    assert list(rows(path, SCHEMA)) == [
        ["Salle des fêtes", None, "12.5", "true", None, "2025-03-01", None, None],
        ["École", None, "Infinity", "false", None, "2025-04-02", None, None]]


def test_a_workbook_s_values(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nom", "nombre", "actif", "date", "quand", "annee"])
    sheet.append(["Mairie", 3.0, True, dt.datetime(2025, 1, 31), dt.datetime(2025, 1, 31, 9, 30),
                  2025])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert list(rows(path, SCHEMA)) == [
        ["Mairie", "3", None, None, "true", "2025-01-31", "2025-01-31T09:30:00", "2025"]]


def test_copy_csv_quotes_what_must_be_and_leaves_nulls_empty(tmp_path):
    path = tmp_path / "f.csv"
    # (a NUL byte in the first 64 KB makes the file no table at all: here it is past them)
    filler = "".join(f"ligne {n},{n}\n" for n in range(8000))
    path.write_bytes(('nom,nombre\n"Dit ""le Bourg"", sur\ndeux lignes",\n' + filler
                      + "nul\x00ici,4\n").encode("utf-8"))
    out = io.StringIO()
    assert write_copy_csv(path, SCHEMA, out) == 8002
    back = list(csv.reader(io.StringIO(out.getvalue())))
    assert back[0][:2] == ['Dit "le Bourg", sur\ndeux lignes', ""]
    assert back[-1][:2] == ["nul\ufffdici", "4"]   # PostgreSQL's text holds no NUL


def test_a_file_that_is_no_table_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(NotATable):
        list(rows(path, SCHEMA))
    other = tmp_path / "g.csv"
    other.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(NotATable):
        list(rows(other, SCHEMA))
