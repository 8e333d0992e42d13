"""The union of several conformant files of one SCDL type: one CSV with the
schema's header and every file's rows, in the schema's column order, values
as the schema writes them — and where each row came from.

    >>> sources = [Source("commune-35051", "Cesson-Sévigné", "/path/a.csv", ...), ...]
    >>> with open(out, "w", newline="") as f:
    ...     provenance = consolidate(sources, table_schema, f)

A source that cannot be read as the schema's table (replaced since its
check, say) is left out and said so in its provenance (``rows`` None,
``error``); the others are still consolidated. Sources are written in the
order given: the caller sorts them (by collectivité, then file), so that the
same sources give the same bytes.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, TextIO

from .tables import NotATable, rows

__all__ = ["Source", "Provenance", "consolidate"]


@dataclass(frozen=True)
class Source:
    organization: str            # the collectivité's organisation name (commune-35051)
    title: str                   # its name
    path: str                    # the conformant file, on disk
    dataset: str = ""            # the dataset's name
    resource_id: str = ""
    url: str = ""                # where the file is published
    modified: str = ""           # the file's date (ISO)


@dataclass
class Provenance:
    source: Source
    rows: Optional[int] = None   # None: left out
    error: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self.source).items() if k != "path"},
                "rows": self.rows, "error": self.error}


@dataclass
class Consolidation:
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(p.rows or 0 for p in self.provenance)

    @property
    def files(self) -> int:
        return sum(1 for p in self.provenance if p.rows is not None)


def consolidate(sources: list[Source], table_schema: dict[str, Any],
                out: TextIO) -> Consolidation:
    """Write the union of ``sources`` to ``out`` (CSV, comma, UTF-8 text)."""
    names = [f["name"] for f in table_schema["fields"]]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    done = Consolidation()
    for source in sources:
        count = 0
        lines = []
        try:
            for row in rows(source.path, table_schema, schema_form=True):
                # values as the communes published them (no apostrophe before
                # a formula-like text: the file is data, and must stay conformant)
                lines.append(["" if v is None else v for v in row])
                count += 1
        except (NotATable, OSError) as e:
            done.provenance.append(Provenance(source, None, str(e)[:200]))
            continue
        writer.writerows(lines)
        done.provenance.append(Provenance(source, count))
    return done
