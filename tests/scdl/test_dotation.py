"""La dotation de données, the core (issue 18, items 1, 2 and 6): a national
file cut into one SCDL file per collectivité — exactly (every row kept goes
to one collectivité, once; rows of collectivités the portal does not hold are
left aside and counted), in the schema's columns (the national file's extra
columns dropped and said), each extract conformant; a third source declared
here, as a file, with no code; and a wrong file refused before anything is
written, with a message."""
from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from ckanext.opendatalocale.scdl import catalogue
from ckanext.opendatalocale.scdl.dotation import (DotationError, iter_rows, load_sources,
                                                  normalise_code, sources, split)
from ckanext.opendatalocale.scdl.templates import example_row
from ckanext.opendatalocale.scdl.validation import validate_file

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scdl"
IRVE_EXAMPLE = SHARED / "irve-statique" / "exemple-valide-statique.csv"
# the national consolidation's own columns, after the schema's
IRVE_EXTRAS = ["last_modified", "datagouv_dataset_id", "datagouv_resource_id",
               "datagouv_organization_or_owner", "created_at", "consolidated_longitude",
               "consolidated_latitude", "consolidated_code_postal", "consolidated_commune",
               "consolidated_is_lon_lat_correct", "consolidated_is_code_insee_verified",
               "consolidated_is_code_insee_modified"]
CESSON, RENNES, PARIS = "35051", "35238", "75056"
TARGETS = {CESSON: "commune-35051", RENNES: "commune-35238", PARIS: "commune-75056"}


def schema(slug: str) -> dict:
    return catalogue().get(slug).latest.table_schema()


def irve_row() -> dict[str, str]:
    with IRVE_EXAMPLE.open(encoding="utf-8", newline="") as f:
        return next(csv.DictReader(f))


def national_irve(path: Path, codes: list[str], header_extra: bool = True) -> list[str]:
    """A national consolidation: one row per code (a point of charge each,
    its id the row's number); the ids written, in order."""
    row = irve_row()
    names = list(row) + (IRVE_EXTRAS if header_extra else [])
    ids = []
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(names)
        for n, code in enumerate(codes):
            pdc = f"FRA68E68021{n:04d}"
            ids.append(pdc)
            values = {**row, "code_insee_commune": code, "id_pdc_itinerance": pdc,
                      **{e: "x" for e in IRVE_EXTRAS}}
            writer.writerow([values[n_] for n_ in names])
    return ids


def dae_national_row(code: str, serial: str, **over: str) -> dict[str, str]:
    """A row of the national base: the schema's example, as Géo'DAE writes it
    (c_ columns, t/f booleans, PostgreSQL arrays), with its own columns."""
    table_schema = schema("dae")
    row = dict(zip([f["name"] for f in table_schema["fields"]], example_row(table_schema)))
    booleans = {f["name"] for f in table_schema["fields"] if f.get("type") == "boolean"}
    national = {}
    for name, value in row.items():
        if name in booleans:
            value = {"oui": "t", "non": "f"}.get(value, value)
        if name in ("disp_j", "disp_h"):
            value = "{" + ",".join(f'"{v}"' if " " in v else v for v in value.split("|")) + "}"
        national["c_" + name] = value
    national.update(c_com_insee=code, c_num_serie=serial, c_gid="1", c_etat_valid="validées",
                    c_doublon="f")
    national.update(over)
    return national


def write_dae(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


class TestSources:
    def test_the_two_shipped_sources_are_declarations_of_their_types(self):
        found = sources()
        assert set(found) == {"irve", "dae"}
        assert found["irve"].type == "irve" and found["irve"].column == "code_insee_commune"
        assert found["dae"].type == "dae" and found["dae"].column == "c_com_insee"
        for source in found.values():
            assert source.type in catalogue().slugs and source.title["fr"]

    @pytest.mark.parametrize("data, word", [
        ({"id": "x", "type": "dae"}, "incomplete"),
        ({"id": "x", "type": "dae", "title": {"fr": "X"},
          "collectivite": {"column": "c", "code": "postcode"}}, "insee, siren or siret"),
    ])
    def test_a_wrong_declaration_is_refused_with_a_reason(self, tmp_path, data, word):
        (tmp_path / "x.json").write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(DotationError) as e:
            load_sources(tmp_path)
        assert word in str(e.value)

    def test_codes_are_read_as_the_portal_names_collectivites(self):
        assert normalise_code(" 35051 ", "insee") == "35051"
        assert normalise_code("1004", "insee") == "01004"          # a spreadsheet's zero
        assert normalise_code("2a004", "insee") == "2A004"
        assert normalise_code("75108", "insee") == PARIS            # an arrondissement
        assert normalise_code("69383", "insee") == "69123"
        assert normalise_code("13216", "insee") == "13055"
        assert normalise_code("", "insee") is None
        assert normalise_code("Rennes", "insee") is None
        assert normalise_code("213 500 515 00014", "siret") == "213500515"
        assert normalise_code("213500515", "siren") == "213500515"
        assert normalise_code("2135", "siren") is None


class TestIrve:
    def test_the_split_is_exact_and_each_extract_conformant(self, tmp_path):
        rng = random.Random(18)
        codes = ([CESSON] * 7 + [RENNES] * 12 + ["75108"] * 3 + [PARIS] * 2
                 + ["29019"] * 5 + ["", "n/a"])
        rng.shuffle(codes)
        ids = national_irve(tmp_path / "national.csv", codes)
        out = tmp_path / "out"
        seen = []
        done = split(tmp_path / "national.csv", sources()["irve"], schema("irve"), TARGETS,
                     out, progress=lambda n, total: seen.append((n, total)))
        assert {o: e.rows for o, e in done.extracts.items()} == {
            "commune-35051": 7, "commune-35238": 12, "commune-75056": 5}
        assert done.rows_read == len(codes) == 31
        assert done.rows_kept == 24 and done.rows_elsewhere == 5
        assert done.collectivites_elsewhere == 1 and done.rows_unidentified == 2
        assert done.rows_kept + done.rows_elsewhere + done.rows_unidentified == done.rows_read
        # no row lost nor written twice
        written = Counter(r["id_pdc_itinerance"] for e in done.extracts.values()
                          for r in iter_rows(e.path))
        wanted = Counter(i for i, c in zip(ids, codes) if c in (CESSON, RENNES, PARIS, "75108"))
        assert written == wanted
        # the consolidation's columns dropped, and said
        assert done.dropped_columns == IRVE_EXTRAS and not done.missing_columns
        said = " ".join(m.key.format(**m.params) for m in done.messages())
        assert "consolidated_commune" in said and "do not hold" not in said
        names = [f["name"] for f in schema("irve")["fields"]]
        for extract in done.extracts.values():
            with open(extract.path, encoding="utf-8", newline="") as f:
                assert next(csv.reader(f)) == names
            report = validate_file(extract.path, schema("irve"))
            assert report.valid, (extract.organization, report.errors[:3])
        assert seen[-1] == ((tmp_path / "national.csv").stat().st_size,) * 2
        assert not (out / ".buckets").exists()

    def test_the_same_rows_in_another_order_give_the_same_bytes(self, tmp_path):
        codes = [CESSON, RENNES] * 20
        national_irve(tmp_path / "a.csv", codes)
        with (tmp_path / "a.csv").open(encoding="utf-8") as f:
            header, *lines = f.read().splitlines()
        random.Random(1).shuffle(lines)
        (tmp_path / "b.csv").write_text("\n".join([header] + lines) + "\n", encoding="utf-8")
        first = split(tmp_path / "a.csv", sources()["irve"], schema("irve"), TARGETS,
                      tmp_path / "a")
        second = split(tmp_path / "b.csv", sources()["irve"], schema("irve"), TARGETS,
                       tmp_path / "b")
        assert {o: e.sha256 for o, e in first.extracts.items()} == {
            o: e.sha256 for o, e in second.extracts.items()}

    def test_many_rows_through_every_bucket_lose_none(self, tmp_path):
        rng = random.Random(7)
        communes = [f"35{n:03d}" for n in range(1, 400)]
        codes = [rng.choice(communes) for _ in range(20_000)]
        national_irve(tmp_path / "big.csv", codes)
        targets = {c: f"commune-{c}" for c in communes[:300]}
        done = split(tmp_path / "big.csv", sources()["irve"], schema("irve"), targets,
                     tmp_path / "out")
        counts = Counter(c for c in codes if c in targets)
        assert {o: e.rows for o, e in done.extracts.items()} == {
            f"commune-{c}": n for c, n in counts.items()}
        assert done.rows_elsewhere == sum(1 for c in codes if c not in targets)


class TestDae:
    def test_renamed_rewritten_and_filtered_as_declared(self, tmp_path):
        rows = [dae_national_row(CESSON, f"S{n}") for n in range(4)]
        rows += [dae_national_row(CESSON, "DOUBLON", c_doublon="t"),
                 dae_national_row(CESSON, "ATTENTE", c_etat_valid="en attente"),
                 dae_national_row(RENNES, "R1"), dae_national_row("56260", "AILLEURS")]
        write_dae(tmp_path / "geodae.csv", rows)
        done = split(tmp_path / "geodae.csv", sources()["dae"], schema("dae"), TARGETS,
                     tmp_path / "out")
        assert {o: e.rows for o, e in done.extracts.items()} == {
            "commune-35051": 4, "commune-35238": 1}
        assert done.rows_filtered == 2 and done.rows_elsewhere == 1
        assert set(done.dropped_columns) == {"c_gid", "c_etat_valid", "c_doublon"}
        extract = done.extracts["commune-35051"]
        [first, *_] = iter_rows(extract.path)
        example = dict(zip([f["name"] for f in schema("dae")["fields"]],
                           example_row(schema("dae"))))
        assert first["acc_lib"] == example["acc_lib"] == "oui"
        assert first["disp_j"] == example["disp_j"] and "|" in first["disp_j"]
        assert sorted(r["num_serie"] for r in iter_rows(extract.path)) == [
            "S0", "S1", "S2", "S3"]
        report = validate_file(extract.path, schema("dae"))
        assert report.valid, report.errors[:3]


class TestAThirdSourceNeedsNoCode:
    def test_a_siret_keyed_source_declared_as_a_file(self, tmp_path):
        """A national file of grants keyed by the attributing body's SIRET,
        declared in this test's folder: its columns renamed to the schema's,
        its rows cut by SIREN to the portal's organisations."""
        folder = tmp_path / "sources"
        folder.mkdir()
        (folder / "aides.json").write_text(json.dumps({
            "id": "aides-nationales", "type": "subventions",
            "title": {"fr": "Aides nationales (test)", "en": "National grants (test)"},
            "format": {"delimiter": "\t", "encoding": "cp1252"},
            "collectivite": {"column": "SIRET_ATTRIBUANT", "code": "siret"},
            "rename": {"SIRET_ATTRIBUANT": "idAttribuant", "NOM": "nomAttribuant",
                       "MONTANT": "montant"},
            "skip": {"ETAT": ["annulée"]}}), encoding="utf-8")
        found = sources(folder)
        assert set(found) == {"irve", "dae", "aides-nationales"}
        table_schema = schema("subventions")
        example = dict(zip([f["name"] for f in table_schema["fields"]],
                           example_row(table_schema)))
        columns = ["SIRET_ATTRIBUANT", "NOM", "MONTANT", "ETAT"] + [
            n for n in example if n not in ("idAttribuant", "nomAttribuant", "montant")]
        lines = []
        for siret, name, amount, state in [
                ("21350051510000", "Cesson-Sévigné", "1200", "versée"),
                ("21350051510000", "Cesson-Sévigné", "300", "annulée"),
                ("24350013900189", "Rennes Métropole", "5000", "versée"),
                ("21290019700017", "Brest", "10", "versée")]:
            values = {**example, "SIRET_ATTRIBUANT": siret, "NOM": name, "MONTANT": amount,
                      "ETAT": state}
            lines.append([values[c] for c in columns])
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t")
        writer.writerow(columns)
        writer.writerows(lines)
        (tmp_path / "aides.tsv").write_bytes(buffer.getvalue().encode("cp1252"))
        targets = {"213500515": "commune-35051", "243500139": "epci-243500139"}
        done = split(tmp_path / "aides.tsv", found["aides-nationales"], table_schema, targets,
                     tmp_path / "out")
        assert {o: e.rows for o, e in done.extracts.items()} == {
            "commune-35051": 1, "epci-243500139": 1}
        assert done.rows_filtered == 1 and done.rows_elsewhere == 1
        [row] = iter_rows(done.extracts["commune-35051"].path)
        assert row["nomAttribuant"] == "Cesson-Sévigné" and row["montant"] == "1200"
        assert row["idAttribuant"] == "21350051510000"
        assert done.dropped_columns == ["ETAT"]


class TestBadFiles:
    def check(self, path: Path, source: str = "irve") -> str:
        out = path.parent / "out"
        with pytest.raises(DotationError) as e:
            split(path, sources()[source], schema(source), TARGETS, out)
        assert not out.exists() or not [p for p in out.iterdir() if p.name != ".buckets"]
        message = e.value.message
        return message.key.format(**message.params)

    def test_a_file_without_the_identifying_column(self, tmp_path):
        (tmp_path / "f.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        assert "no column “code_insee_commune”" in self.check(tmp_path / "f.csv")

    def test_the_wrong_delimiter_is_the_same_missing_column(self, tmp_path):
        national_irve(tmp_path / "f.csv", [CESSON])
        text = (tmp_path / "f.csv").read_text(encoding="utf-8")
        (tmp_path / "g.csv").write_text(text, encoding="utf-8")
        assert "c_com_insee" in self.check(tmp_path / "g.csv", "dae")

    def test_a_file_cut_short(self, tmp_path):
        national_irve(tmp_path / "f.csv", [CESSON] * 50)
        data = (tmp_path / "f.csv").read_bytes()
        (tmp_path / "cut.csv").write_bytes(data[: len(data) - 400])
        said = self.check(tmp_path / "cut.csv")
        assert "cut short" in said

    def test_a_file_in_another_encoding(self, tmp_path):
        national_irve(tmp_path / "f.csv", [CESSON] * 3)
        text = (tmp_path / "f.csv").read_text(encoding="utf-8")
        (tmp_path / "latin.csv").write_bytes(text.encode("cp1252", errors="replace"))
        assert "not in the encoding" in self.check(tmp_path / "latin.csv")

    @pytest.mark.parametrize("content, word", [
        (b"", "empty"), (b"PK\x03\x04rest", "ZIP"), (b'{"type": "FeatureCollection"}', "JSON"),
        (b"<html><body>Not found</body></html>", "HTML"), (b"code\x00\x00\x01", "NUL")])
    def test_files_that_are_not_csv(self, tmp_path, content, word):
        (tmp_path / "f.csv").write_bytes(content)
        assert word in self.check(tmp_path / "f.csv")


def test_a_hostile_header_is_said_short(tmp_path):
    """Thousands of extra columns with huge names: the file is cut, and what
    is said about the dropped columns stays short."""
    row = irve_row()
    extra = [f"x{n}" + "y" * 5000 for n in range(3000)]
    with (tmp_path / "f.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(row) + extra)
        writer.writerow(list(row.values()) + [""] * len(extra))
    done = split(tmp_path / "f.csv", sources()["irve"], schema("irve"), {"75001": "c"},
                 tmp_path / "out")
    assert done.rows_kept == 1
    assert len(done.dropped_columns) == 60 and all(len(c) <= 80 for c in done.dropped_columns)
