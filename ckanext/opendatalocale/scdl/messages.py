"""The messages of the validation report: what is wrong, what the column
expects (from the schema), how to fix it — as message keys and values
(``wording``), said in the visitor's language where they are shown."""
from __future__ import annotations

import re
from typing import Any, Optional

from .patterns import describe_pattern, pattern_in_words, quoted
from .wording import Message, listing, msg, msg_n

__all__ = ["error_message", "file_message", "expectation", "megabytes"]

_TYPES = {
    "string": msg("text"),
    "integer": msg("a whole number, without spaces or decimals"),
    "number": msg("a number, with a point for decimals"),
    "date": msg("a date in the format YYYY-MM-DD"),
    "datetime": msg("a date and time in the format YYYY-MM-DDTHH:MM:SS"),
    "time": msg("a time in the format HH:MM:SS"), "year": msg("a 4-digit year"),
    "yearmonth": msg("a year and month in the format YYYY-MM"),
    "boolean": msg("true or false"), "array": msg("a list"), "object": msg("a JSON object"),
    "geopoint": msg("a geographic point"), "geojson": msg("a GeoJSON geometry"),
    "duration": msg("a duration"),
}
_FORMATS = {"email": msg("an email address"), "uri": msg("a full web address")}
# shown when the schema gives no example of its own
_EXAMPLES = {"number": "1234.56", "date": "2024-03-12", "email": "mairie@example.fr",
             "uri": "https://www.example.fr/page"}
# No parentheses, brackets nor other signs of regular expressions in what
# the commune reads (patterns are put in words by .patterns).
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def expectation(field: dict[str, Any]) -> Message:
    """What a column expects, in one sentence."""
    kind = field.get("type", "string")
    c = field.get("constraints", {})
    pattern = c.get("pattern") if "enum" not in c else None
    parts: list[Any] = [_FORMATS.get(field.get("format", "")) or _TYPES.get(kind, kind)]
    if pattern and kind == "string" and not field.get("format"):
        parts = []  # the pattern says it better than « du texte »
    if kind == "boolean" and field.get("trueValues"):
        values = field.get("trueValues", [])[:1] + field.get("falseValues", [])[:1]
        parts = [msg("{yes} or {no}", yes=str(values[0]), no=str(values[1]))
                 if len(values) == 2 else str(values[0])]
    if pattern:
        parts.append(describe_pattern(pattern, field.get("example")))
    if "enum" in c:
        values = [str(v) for v in c["enum"]]
        shown = ", ".join(values[:12]) + (" …" if len(values) > 12 else "")
        parts.append(msg("among: {values}", values=shown))
    if "minimum" in c:
        parts.append(msg("at least {value}", value=str(c["minimum"])))
    if "maximum" in c:
        parts.append(msg("at most {value}", value=str(c["maximum"])))
    if "minLength" in c:
        parts.append(msg_n("at least {num} character long", "at least {num} characters long",
                           c["minLength"]))
    if "maxLength" in c:
        parts.append(msg_n("at most {num} character long", "at most {num} characters long",
                           c["maxLength"]))
    example = field.get("example")
    if example in (None, ""):
        example = _EXAMPLES.get(field.get("format", "")) or _EXAMPLES.get(kind)
    if example not in (None, "") and not (pattern and not pattern_in_words(pattern)):
        parts.append(msg("for example {example}", example=quoted(str(example))))
    return listing(parts)


def _fix(value: Optional[str], field: dict[str, Any]) -> Optional[str]:
    """A concrete correction when one can be guessed."""
    if value and field.get("type") == "date":
        match = _FRENCH_DATE.match(value.strip())
        if match:
            day, month, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    if value and field.get("type") == "number" and re.fullmatch(r"-?[\d\s]+,\d+", value.strip()):
        return value.replace(" ", "").replace(",", ".")
    return None


def error_message(error_type: str, name: Optional[str], value: Optional[str],
                  field: dict[str, Any], note: str = "") -> Message:
    subject = quoted(value) if value else msg("The value")
    column = name or ""
    if error_type == "missing-label":
        return msg("The required column {column} is missing: add it (it expects {expects}).",
                   column=column, expects=expectation(field))
    if error_type == "duplicate-label":
        return msg("The column {column} appears more than once: keep it only once.",
                   column=column)
    if error_type == "blank-label":
        return msg("A column has no name in the header row.")
    if error_type == "blank-row":
        return msg("Empty row: delete it.")
    if error_type in ("missing-cell", "extra-cell"):
        return msg("This row does not have the same number of columns as the header: check "
                   "the separators and the quotes.")
    if error_type == "type-error":
        fix = _fix(value, field)
        if fix:
            return msg("{value} is not what {column} expects: {expects}. Write {fix} instead.",
                       value=subject, column=column, expects=expectation(field), fix=fix)
        return msg("{value} is not what {column} expects: {expects}.",
                   value=subject, column=column, expects=expectation(field))
    if error_type == "constraint-error":
        if "required" in note:
            return msg("{column} is required: this cell cannot be left empty.", column=column)
        return msg("{value} does not suit {column}, which expects {expects}.",
                   value=subject, column=column, expects=expectation(field))
    if error_type in ("unique-error", "primary-key"):
        return msg("{value} appears more than once in {column}, which must be unique.",
                   value=subject, column=column)
    if note:
        return msg("{value}: error {type} ({note}).", value=subject, type=error_type,
                   note=note)
    return msg("{value}: error {type}.", value=subject, type=error_type)


def file_message(error_type: str, note: Any = "") -> Message:
    """What went wrong with the file as a whole; ``note`` says more (a
    reason, a size, a time), as a message or a value."""
    if error_type == "empty":
        return msg("The file is empty.")
    if error_type == "missing":
        return msg("The file of this resource cannot be found.")
    if error_type == "too-large":
        return msg("The linked file is larger than {size}: upload it to the portal instead, "
                   "or split it.", size=note)
    if error_type == "download":
        return msg("The linked file could not be downloaded ({reason}).", reason=note)
    if error_type == "internal-address":
        return msg("The linked file was not downloaded: internal address refused ({reason}). "
                   "The portal only downloads public Internet addresses: give the file's "
                   "public link, or upload the file itself.", reason=note)
    if error_type == "crash":
        return msg("The check could not be completed ({reason}). The file is kept; run the "
                   "check again, or it will be run again at its next update.", reason=note)
    if error_type == "timeout":
        return msg("The check was stopped: it went over the longest time allowed, {seconds} "
                   "seconds. The file is kept; if it is very large, split it or save it as "
                   "CSV, then run the check again.", seconds=note)
    if error_type == "memory":
        return msg("The check was stopped: it needed more memory than the {memory} the "
                   "portal allows. The file is kept; check that it is an SCDL table (a "
                   "workbook full of empty cells or formatting needs a lot), then run the "
                   "check again.", memory=note)
    if error_type == "queue":
        return msg("The check could not be started: the background checking service is "
                   "unavailable ({reason}). The file is kept; run the check again a little "
                   "later.", reason=note)
    if error_type == "html":
        return msg("The file is a web page (HTML), not a table: the link probably leads to "
                   "an error or download page. Upload the CSV file itself.")
    if error_type == "encoding-error":
        return msg("The file could not be read: its encoding is not recognised. Save it as "
                   "UTF-8 (“CSV UTF-8” in your spreadsheet).")
    if error_type in ("format-error", "source-error", "scheme-error"):
        return msg("The file could not be read as a CSV or Excel table: check that it is the "
                   "right file, saved as CSV (comma-separated) or XLSX.")
    return msg("The file could not be checked ({type}).", type=error_type)


def megabytes(size: int) -> Message:
    """« 200 Mo »."""
    return msg("{size} MB", size=round(size / 1_000_000))
