"""Templates to fill in: a CSV and an Excel workbook made from a Table Schema.

Both hold the header and one example row (each field's example, valid
against the schema). The workbook adds what a spreadsheet can check while the
commune types: drop-down lists for enumerations, whole or decimal numbers
within bounds, dates; each header carries the field's description as a
comment. Its messages are French. (tableschema-to-template does the same with
English messages and no example row: xlsxwriter, the library it builds on, is
used directly.)
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import xlsxwriter

__all__ = ["example_row", "csv_template", "xlsx_template"]


def _example(field: dict[str, Any]) -> Any:
    if "example" in field:
        return field["example"]
    examples = field.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return examples if examples is not None else ""


def _cell(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def example_row(table_schema: dict[str, Any]) -> list[str]:
    return [_cell(_example(f)) for f in table_schema["fields"]]


def csv_template(table_schema: dict[str, Any]) -> str:
    """Header and example row, comma-separated, as the SCDL specifies."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f["name"] for f in table_schema["fields"]])
    writer.writerow(example_row(table_schema))
    return out.getvalue()


def _validation(field: dict[str, Any], workbook, lists: list) -> dict[str, Any] | None:
    constraints = field.get("constraints", {})
    title = field.get("title") or field["name"]
    if "enum" in constraints:
        values = [str(v) for v in constraints["enum"]]
        sheet = workbook.get_worksheet_by_name("Listes") or workbook.add_worksheet("Listes")
        column = len(lists)
        lists.append(field["name"])
        sheet.write(0, column, field["name"])
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, column, value)
        letter = xlsxwriter.utility.xl_col_to_name(column)
        return {"validate": "list",
                "source": f"=Listes!${letter}$2:${letter}${len(values) + 1}",
                "error_title": "Valeur non prévue",
                "error_message": f"« {title} » : choisissez une valeur de la liste."}
    kind = field.get("type")
    if kind in ("integer", "number"):
        low = constraints.get("minimum", -1e307 if kind == "number" else -2147483647)
        high = constraints.get("maximum", 1e307 if kind == "number" else 2147483647)
        what = "un nombre entier" if kind == "integer" else "un nombre"
        return {"validate": "integer" if kind == "integer" else "decimal",
                "criteria": "between", "minimum": low, "maximum": high,
                "error_title": "Nombre attendu",
                "error_message": f"« {title} » : saisissez {what}"
                                 + (f" entre {low} et {high}." if "minimum" in constraints
                                    and "maximum" in constraints else ".")}
    if kind == "boolean":
        values = field.get("trueValues", ["true"])[:1] + field.get("falseValues", ["false"])[:1]
        return {"validate": "list", "source": values, "error_title": "Valeur non prévue",
                "error_message": f"« {title} » : {' ou '.join(values)}."}
    return None


def xlsx_template(table_schema: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Données")
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    lists: list[str] = []
    for column, (field, value) in enumerate(zip(table_schema["fields"],
                                                example_row(table_schema))):
        sheet.write_string(0, column, field["name"], header)
        comment = (field.get("title") or "") + "\n" + (field.get("description") or "")
        sheet.write_comment(0, column, comment.strip(), {"x_scale": 3, "y_scale": 3})
        width = max(14, min(40, len(field["name"]) + 4))
        if field.get("type") in ("integer", "number"):
            sheet.set_column(column, column, width)
            try:
                sheet.write_number(1, column, float(value))
            except ValueError:
                sheet.write_string(1, column, value)
        else:
            # text cells: "01", "2A004" or "2024-03-12" stay as typed, not
            # turned into numbers or dates in the spreadsheet's own format
            sheet.set_column(column, column, width, text)
            sheet.write_string(1, column, value)
        rule = _validation(field, workbook, lists)
        if rule:
            sheet.data_validation(1, column, 10000, column, rule)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return out.getvalue()
