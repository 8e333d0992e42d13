"""Template helpers: statuses in French, the report grouped by column."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.opendatalocale.scdl.report import by_column
from ckanext.opendatalocale.scdl.validation import Report

from . import runner

__all__ = ["scdl_validation", "scdl_validation_label", "scdl_validation_groups"]


def scdl_validation(resource_id: str) -> Optional[dict[str, Any]]:
    return runner.status_of(resource_id)


def scdl_validation_label(status: Optional[str]) -> str:
    return {
        runner.SUCCESS: tk._("Conforms to the schema"),
        runner.FAILURE: tk._("Does not conform"),
        runner.RUNNING: tk._("Being checked"),
        runner.CREATED: tk._("Being checked"),
        runner.ERROR: tk._("Check failed"),
    }.get(status or "", tk._("Not checked"))


def scdl_validation_groups(validation: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's errors grouped by column, with what each column expects."""
    report = validation.get("report")
    if not report:
        return []
    resolved = runner.schema_of({"schema": validation.get("schema_url")})
    table_schema = resolved[1].table_schema() if resolved else {"fields": []}
    return by_column(Report.from_dict(report), table_schema)
