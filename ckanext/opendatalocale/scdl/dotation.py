"""La dotation de données: a national file cut into one SCDL file per
collectivité, ready for each to publish.

A **source** is a declaration (JSON, ``schemas/dotation/<id>.json``), not
code: the national file's format, the SCDL type its rows are, the column that
names the collectivité (an INSEE code, a SIREN or a SIRET), the columns to
rename, the values to rewrite, the rows to keep or skip::

    {"id": "irve", "type": "irve",
     "title": {"fr": "Consolidation nationale des IRVE", "en": "…"},
     "format": {"delimiter": ",", "encoding": "utf-8"},
     "collectivite": {"column": "code_insee_commune", "code": "insee"},
     "rename": {}, "strip_prefix": "", "values": {}, "lists": {},
     "keep": {}, "skip": {}}

- ``rename``: national column → schema column; ``strip_prefix``: a prefix
  every national column loses (``c_nom`` → ``nom``); then a column is the
  schema's of the same name. A national column the schema does not have is
  dropped (said in the result); a schema column the file lacks is left empty.
- ``values``: schema column → {national value: SCDL value} (``t`` → ``oui``).
- ``lists``: schema column → separator: a PostgreSQL array (``{lundi,mardi}``)
  written as the schema's list (``lundi|mardi``).
- ``keep`` / ``skip``: national column → values; a row is kept when each
  ``keep`` column holds one of its values and no ``skip`` column one of its.

The file is read once, as a stream (any size): each row the portal wants is
written, in the schema's columns, to one of a few bucket files by its
collectivité; each bucket is then cut into one CSV per collectivité (comma,
UTF-8, the schema's header, rows in a stable order: the same rows give the
same bytes whatever the national file's order), with its SHA-256.

A file that cannot be read as the source's table raises ``DotationError``
with a message, before anything is written for any collectivité.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Mapping, Optional

from ..resources import resource_dir
from .wording import Message, msg, msg_n

__all__ = ["Source", "Extract", "Split", "DotationError", "load_sources", "sources", "split",
           "normalise_code", "CODE_KINDS", "PLM_ARRONDISSEMENTS"]

CODE_KINDS = ("insee", "siren", "siret")
BUCKETS = 64
PROGRESS_ROWS = 20_000
SHOWN_COLUMNS = 60        # dropped columns said, at most (a hostile header has thousands)
SHOWN_NAME = 80           # characters of a column name said
_SNIFFED = 65536
_INSEE = re.compile(r"^(\d[\dAB]\d{3})$")
_DIGITS = re.compile(r"\D")

# Paris, Lyon and Marseille: national files often name the arrondissement
# municipal, the collectivité is the commune
PLM_ARRONDISSEMENTS: dict[str, str] = {
    **{f"751{n:02d}": "75056" for n in range(1, 21)},
    **{f"6938{n}": "69123" for n in range(1, 10)},
    **{f"132{n:02d}": "13055" for n in range(1, 17)},
}


class DotationError(ValueError):
    """The national file, or a declaration, cannot be used; ``message`` says why."""

    def __init__(self, message: Message):
        super().__init__(message.key.format(**message.params) if message.params
                         else message.key)
        self.message = message


@dataclass(frozen=True)
class Source:
    id: str
    type: str                                   # the SCDL type its rows are
    title: Mapping[str, str]
    column: str                                 # the collectivité's column
    code: str                                   # insee | siren | siret
    delimiter: str = ","
    encoding: str = "utf-8"
    publisher: str = ""
    page: str = ""                              # the national dataset's page
    url: str = ""                               # where the file is, by default
    rename: Mapping[str, str] = field(default_factory=dict)
    strip_prefix: str = ""
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lists: Mapping[str, str] = field(default_factory=dict)
    keep: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skip: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Source":
        try:
            collectivite = data["collectivite"]
            fmt = data.get("format", {})
            source = cls(
                id=str(data["id"]), type=str(data["type"]),
                title={str(k): str(v) for k, v in data["title"].items()},
                column=str(collectivite["column"]), code=str(collectivite["code"]),
                delimiter=str(fmt.get("delimiter", ",")),
                encoding=str(fmt.get("encoding", "utf-8")),
                publisher=str(data.get("publisher", "")), page=str(data.get("page", "")),
                url=str(data.get("url", "")),
                rename={str(k): str(v) for k, v in data.get("rename", {}).items()},
                strip_prefix=str(data.get("strip_prefix", "")),
                values={str(c): {str(k): str(v) for k, v in m.items()}
                        for c, m in data.get("values", {}).items()},
                lists={str(k): str(v) for k, v in data.get("lists", {}).items()},
                keep={str(k): tuple(map(str, v)) for k, v in data.get("keep", {}).items()},
                skip={str(k): tuple(map(str, v)) for k, v in data.get("skip", {}).items()})
        except (KeyError, TypeError, AttributeError) as e:
            raise DotationError(msg("The source declaration is incomplete ({what}).",
                                    what=str(e))) from None
        if source.code not in CODE_KINDS:
            raise DotationError(msg("The source {source} names its collectivités by "
                                    "“{code}”: expected insee, siren or siret.",
                                    source=source.id, code=source.code))
        if len(source.delimiter) != 1:
            raise DotationError(msg("The source {source} has no one-character delimiter.",
                                    source=source.id))
        return source

    def schema_column(self, national: str) -> str:
        """The schema column a national column becomes (before checking the
        schema has it)."""
        name = national.strip()
        if name in self.rename:
            return self.rename[name]
        if self.strip_prefix and name.startswith(self.strip_prefix):
            return name[len(self.strip_prefix):]
        return name


def load_sources(*folders: Path | str) -> dict[str, Source]:
    """The declarations (``*.json``) of the folders, by id; a later folder's
    declaration of the same id wins."""
    sources: dict[str, Source] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            with path.open(encoding="utf-8") as f:
                try:
                    data = json.load(f)
                except json.JSONDecodeError as e:
                    raise DotationError(msg("The source declaration {file} is not JSON "
                                            "({reason}).", file=path.name,
                                            reason=str(e))) from None
            source = Source.from_dict(data)
            sources[source.id] = source
    return sources


def sources(*folders: Path | str) -> dict[str, Source]:
    """The shipped sources (``schemas/dotation``), then those of ``folders``
    (a portal's own declarations: ``ckanext.opendatalocale.dotation.sources``);
    read once per process and folders."""
    return dict(_sources(tuple(str(f) for f in folders)))


@lru_cache(maxsize=32)
def _sources(folders: tuple[str, ...]) -> dict[str, Source]:
    return load_sources(resource_dir("schemas") / "dotation", *folders)


def normalise_code(value: str, kind: str) -> Optional[str]:
    """The collectivité's code as the portal knows it: an INSEE code in
    capitals (a leading zero a spreadsheet dropped put back, an arrondissement
    of Paris, Lyon or Marseille read as its commune), or the SIREN (the first
    nine digits of a SIRET). None: no code."""
    value = value.strip()
    if not value:
        return None
    if kind == "insee":
        code = value.upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code
        if not _INSEE.match(code):
            return None
        return PLM_ARRONDISSEMENTS.get(code, code)
    digits = _DIGITS.sub("", value)
    if len(digits) not in (9, 14):
        return None
    return digits[:9]


@dataclass(frozen=True)
class Extract:
    organization: str        # the portal's organisation
    path: str                # its CSV
    rows: int
    sha256: str              # of the CSV's bytes


@dataclass
class Split:
    source: str
    extracts: dict[str, Extract] = field(default_factory=dict)
    rows_read: int = 0
    rows_kept: int = 0                  # written for a collectivité of the portal
    rows_filtered: int = 0              # left out by the source's keep/skip
    rows_unidentified: int = 0          # no collectivité code, or not a code
    rows_elsewhere: int = 0             # of collectivités the portal does not hold
    collectivites_elsewhere: int = 0
    rows_malformed: int = 0             # not as many cells as the header
    dropped_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "collectivites": len(self.extracts),
                "rows_read": self.rows_read, "rows_kept": self.rows_kept,
                "rows_filtered": self.rows_filtered,
                "rows_unidentified": self.rows_unidentified,
                "rows_elsewhere": self.rows_elsewhere,
                "collectivites_elsewhere": self.collectivites_elsewhere,
                "rows_malformed": self.rows_malformed,
                "dropped_columns": self.dropped_columns,
                "missing_columns": self.missing_columns}

    def messages(self) -> list[Message]:
        """What a person should know about the cut, in words."""
        said = [msg_n("{num} row read, {kept} for {collectivites} collectivités of the portal.",
                      "{num} rows read, {kept} for {collectivites} collectivités of the "
                      "portal.", self.rows_read, kept=self.rows_kept,
                      collectivites=len(self.extracts))]
        if self.rows_elsewhere:
            said.append(msg_n(
                "{num} row is about collectivités the portal does not hold ({collectivites}): "
                "left aside.",
                "{num} rows are about collectivités the portal does not hold "
                "({collectivites}): left aside.", self.rows_elsewhere,
                collectivites=self.collectivites_elsewhere))
        if self.rows_unidentified:
            said.append(msg_n("{num} row names no collectivité: left aside.",
                              "{num} rows name no collectivité: left aside.",
                              self.rows_unidentified))
        if self.rows_filtered:
            said.append(msg_n("{num} row left out by the source's rules (duplicates, "
                              "withdrawn…).",
                              "{num} rows left out by the source's rules (duplicates, "
                              "withdrawn…).", self.rows_filtered))
        if self.rows_malformed:
            said.append(msg_n("{num} row had not as many cells as the header: left aside.",
                              "{num} rows had not as many cells as the header: left aside.",
                              self.rows_malformed))
        if self.dropped_columns:
            said.append(msg("Columns of the national file the schema does not have, "
                            "dropped: {columns}.", columns=", ".join(self.dropped_columns)))
        if self.missing_columns:
            said.append(msg("Columns of the schema the national file lacks, left empty: "
                            "{columns}.", columns=", ".join(self.missing_columns)))
        return said


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it (the progress)."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def _shown(name: str) -> str:
    return name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME - 1] + "…"


def _postgres_list(value: str, separator: str) -> str:
    """``{lundi,"jours fériés"}`` → ``lundi|jours fériés`` (anything else as it is)."""
    text = value.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return value
    items = next(csv.reader([text[1:-1]], delimiter=",", quotechar='"', escapechar="\\"),
                 [])
    return separator.join(i.strip() for i in items if i.strip())


def _check_start(start: bytes, source: Source) -> None:
    if not start.strip():
        raise DotationError(msg("The file is empty."))
    if start.startswith(b"PK\x03\x04"):
        raise DotationError(msg("The file is a ZIP archive or a workbook, not the CSV file "
                                "of {source}.", source=source.id))
    if b"\x00" in start:
        raise DotationError(msg("The file is not text (it holds NUL bytes): not the CSV "
                                "file of {source}.", source=source.id))
    head = start.lstrip()[:1]
    if head in (b"{", b"[", b"<"):
        raise DotationError(msg("The file is JSON, HTML or XML, not the CSV file of "
                                "{source}.", source=source.id))


def split(path: str | Path, source: Source, table_schema: Mapping[str, Any],
          targets: Mapping[str, str], folder: str | Path,
          progress: Callable[[int, int], None] = lambda done, total: None) -> Split:
    """Cut the national file at ``path`` into ``folder``: one CSV per
    organisation of ``targets`` (normalised code → organisation name) with
    rows. ``progress(bytes read, file size)`` is called as it reads."""
    path, folder = Path(path), Path(folder)
    names = [f["name"] for f in table_schema["fields"]]
    total = path.stat().st_size
    with path.open("rb") as f:
        _check_start(f.read(_SNIFFED), source)
    encoding = "utf-8-sig" if source.encoding.lower().replace("_", "-") in (
        "utf-8", "utf8") else source.encoding
    result = Split(source.id)
    buckets_dir = folder / ".buckets"
    buckets_dir.mkdir(parents=True, exist_ok=True)
    bucket_files: dict[int, Any] = {}
    writers: dict[int, Any] = {}
    elsewhere: set[str] = set()
    line = 0
    raw = path.open("rb")
    counting = _Counting(raw)
    text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 20), encoding=encoding,
                            errors="strict", newline="")
    try:
        reader = csv.reader(text, delimiter=source.delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise DotationError(msg("The file is empty.")) from None
        line = 1
        columns = [source.schema_column(h) for h in header]
        if source.column not in [h.strip() for h in header]:
            raise DotationError(msg(
                "The file has no column “{column}”, which names the collectivité of each "
                "row in {source}: is it the right file?", column=source.column,
                source=source.id))
        for wanted in list(source.keep) + list(source.skip):
            if wanted not in [h.strip() for h in header]:
                raise DotationError(msg(
                    "The file has no column “{column}”, which {source} reads to choose its "
                    "rows: the national file has changed shape.", column=wanted,
                    source=source.id))
        stripped = [h.strip() for h in header]
        code_at = stripped.index(source.column)
        keep = [(stripped.index(c), set(v)) for c, v in source.keep.items()]
        skip = [(stripped.index(c), set(v)) for c, v in source.skip.items()]
        where = {c: i for i, c in reversed(list(enumerate(columns))) if c in names}
        result.dropped_columns = [_shown(h) for h, c in zip(stripped, columns)
                                  if c not in names][:SHOWN_COLUMNS]
        result.missing_columns = [n for n in names if n not in where]
        picks = [where.get(n) for n in names]
        values = {names.index(c): m for c, m in source.values.items() if c in names}
        lists = {names.index(c): s for c, s in source.lists.items() if c in names}
        width = len(header)
        since_progress = last_bad = 0
        for row in reader:
            line = reader.line_num
            result.rows_read += 1
            since_progress += 1
            if since_progress >= PROGRESS_ROWS:
                since_progress = 0
                progress(counting.count, total)
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    result.rows_read -= 1          # a blank line
                    continue
                result.rows_malformed += 1
                last_bad = result.rows_read
                continue
            if any(row[i].strip() not in v for i, v in keep) or any(
                    row[i].strip() in v for i, v in skip):
                result.rows_filtered += 1
                continue
            code = normalise_code(row[code_at], source.code)
            if code is None:
                result.rows_unidentified += 1
                continue
            organization = targets.get(code)
            if organization is None:
                result.rows_elsewhere += 1
                elsewhere.add(code)
                continue
            out = [organization] + [row[i] if i is not None else "" for i in picks]
            for i, mapping in values.items():
                out[i + 1] = mapping.get(out[i + 1].strip(), out[i + 1])
            for i, separator in lists.items():
                out[i + 1] = _postgres_list(out[i + 1], separator)
            bucket = zlib.crc32(organization.encode()) % BUCKETS
            writer = writers.get(bucket)
            if writer is None:
                bucket_files[bucket] = (buckets_dir / f"{bucket:02d}.csv").open(
                    "w", encoding="utf-8", newline="")
                writer = writers[bucket] = csv.writer(bucket_files[bucket],
                                                      lineterminator="\n")
            writer.writerow(out)
            result.rows_kept += 1
        if result.rows_malformed and last_bad == result.rows_read:
            raise DotationError(msg("The file ends in the middle of a row (line {line}): it "
                                    "seems cut short. Download it again.", line=line))
    except UnicodeDecodeError:
        raise DotationError(msg("The file is not in the encoding of {source} ({encoding}) "
                                "after line {line}.", source=source.id,
                                encoding=source.encoding, line=line)) from None
    except csv.Error as e:
        raise DotationError(msg("The file cannot be read as CSV at line {line} ({reason}): "
                                "is it cut short?", line=line, reason=str(e))) from None
    finally:
        for f in bucket_files.values():
            f.close()
        text.close()
        raw.close()
    progress(total, total)
    result.collectivites_elsewhere = len(elsewhere)
    for bucket in sorted(bucket_files):
        _cut(buckets_dir / f"{bucket:02d}.csv", names, folder, result)
    for bucket in bucket_files:
        os.unlink(buckets_dir / f"{bucket:02d}.csv")
    os.rmdir(buckets_dir)
    return result


def _cut(bucket: Path, names: list[str], folder: Path, result: Split) -> None:
    """One bucket's rows, one CSV per organisation, rows sorted."""
    by_organization: dict[str, list[list[str]]] = {}
    with bucket.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            by_organization.setdefault(row[0], []).append(row[1:])
    for organization, rows in by_organization.items():
        rows.sort()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(rows)
        data = buffer.getvalue().encode("utf-8")
        target = folder / f"{organization}.csv"
        target.write_bytes(data)
        result.extracts[organization] = Extract(organization, str(target), len(rows),
                                                hashlib.sha256(data).hexdigest())


def iter_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The rows of an extract, by column (for tests and the pages)."""
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)
