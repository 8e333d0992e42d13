"""A column's ``pattern`` in words, for a commune that never wrote a regular
expression: « 14 chiffres », « « W » suivi de 9 chiffres », « l'une des
valeurs : … ». The pattern is read with Python's own regular-expression
parser; the shapes the SCDL schemas use (fixed runs of digits or letters,
literal prefixes, optional parts, alternatives of plain words) are put in
words, anything else falls back to the schema's example. Literal text the
value must contain is shown between « » ; no regular-expression syntax is
ever shown.
"""
from __future__ import annotations

import re
from typing import Any, Optional

try:  # Python 3.11+
    import re._parser as _sre
    from re._constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, CATEGORY_SPACE,
                               CATEGORY_WORD, IN, LITERAL, MAX_REPEAT, MAXREPEAT,
                               MIN_REPEAT, NEGATE, RANGE, SUBPATTERN)
except ImportError:  # Python before 3.11
    import sre_parse as _sre  # type: ignore
    from sre_constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT,  # type: ignore
                               CATEGORY_SPACE, CATEGORY_WORD, IN, LITERAL, MAX_REPEAT,
                               MAXREPEAT, MIN_REPEAT, NEGATE, RANGE, SUBPATTERN)

__all__ = ["describe_pattern", "pattern_in_words"]

# beyond this, a description no longer helps: the example does
LONGEST = 180
_ACCENTED = (0xC0, 0xFF)


class _Unsayable(Exception):
    """A pattern shape we do not put in words."""


def pattern_in_words(pattern: str) -> Optional[str]:
    """The pattern in French words, or None when it cannot be said simply."""
    try:
        parsed = _sre.parse(pattern)
        words = _sequence(list(parsed))
    except (re.error, _Unsayable, RecursionError):
        return None
    if not words or len(words) > LONGEST:
        return None
    return words


def describe_pattern(pattern: str, example: Any = None) -> str:
    """What a value of the column looks like, in words: the pattern
    described, else « de la forme de l'exemple « … » »."""
    words = pattern_in_words(pattern)
    if words:
        return words
    if example not in (None, ""):
        return f"de la forme de l'exemple « {example} »"
    return "de la forme décrite dans le guide du schéma"


# -- sequences -------------------------------------------------------------

def _sequence(items: list) -> str:
    items = [item for item in items if item[0] is not AT]
    if len(items) == 1 and items[0][0] is BRANCH:
        return "l'une des valeurs : " + _choices(items[0][1][1])
    if len(items) == 1 and items[0][0] is SUBPATTERN:
        return _sequence(list(items[0][1][3]))
    parts: list[str] = []
    literal = ""
    for op, arg in _dates(items):
        if op == "date":
            if literal:
                parts.append(_quoted(literal))
                literal = ""
            parts.append(arg)
            continue
        if op is LITERAL:
            literal += chr(arg)
            continue
        branches = _branches(op, arg)
        if branches is not None:
            parts.append("au choix " + _choices(branches, prefix=literal))
            literal = ""
            continue
        if literal:
            parts.append(_quoted(literal))
            literal = ""
        parts.append(_item(op, arg))
    if literal:
        parts.append(_quoted(literal))
    if not parts:
        raise _Unsayable()
    return _join(parts)


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + (", puis " if parts[-1].startswith("éventuellement")
                                    else " puis ") + parts[-1]


DATE = "une date au format AAAA-MM-JJ"
_DATE_SHAPE = "9999-99-99"


def _dates(items: list) -> list:
    """The items, with each run « 4 digits - 2 digits - 2 digits » as one
    ("date", words) item: a commune knows it as a date, not as digits."""
    out: list = []
    i = 0
    while i < len(items):
        shape = ""
        j = i
        while j < len(items) and len(shape) < len(_DATE_SHAPE):
            piece = _shape_of(*items[j])
            if piece is None:
                break
            shape += piece
            j += 1
        if shape == _DATE_SHAPE:
            out.append(("date", DATE))
            i = j
        else:
            out.append(items[i])
            i += 1
    return out


def _shape_of(op, arg) -> Optional[str]:
    """« 9999 » for four digits, « - » for a literal dash, else None."""
    if op is LITERAL and chr(arg) == "-":
        return "-"
    if op is MAX_REPEAT and arg[0] == arg[1] and len(arg[2]) == 1 \
            and arg[2][0][0] is IN and _is_digit(arg[2][0][1]):
        return "9" * arg[0]
    return None


def _is_digit(items: list) -> bool:
    return items in ([(CATEGORY, CATEGORY_DIGIT)], [(RANGE, (ord("0"), ord("9")))])


def _branches(op, arg) -> Optional[list]:
    """The branches of an alternative (bare or in a group), else None."""
    if op is BRANCH:
        return arg[1]
    if op is SUBPATTERN:
        body = [item for item in arg[3] if item[0] is not AT]
        if len(body) == 1 and body[0][0] is BRANCH:
            return body[0][1][1]
    return None


def _quoted(text: str) -> str:
    return f"« {text} »"


def _item(op, arg) -> str:
    if op is IN:
        return _one(_class(arg))
    if op is ANY:
        return "un caractère quelconque"
    if op in (MAX_REPEAT, MIN_REPEAT):
        low, high, body = arg
        return _repeat(low, high, list(body))
    if op is SUBPATTERN:
        return _sequence(list(arg[3]))
    raise _Unsayable()


def _plain(items: list) -> Optional[str]:
    """The literal text a branch stands for, or None."""
    text = ""
    for op, arg in items:
        if op is AT:
            continue
        if op is LITERAL:
            text += chr(arg)
        elif op is SUBPATTERN:
            inner = _plain(list(arg[3]))
            if inner is None:
                return None
            text += inner
        else:
            return None
    return text


def _choices(branches: list, prefix: str = "") -> str:
    """Alternatives of plain words, each quoted: « A », « B »…"""
    words = []
    for branch in branches:
        word = _plain(list(branch))
        if word is None:
            raise _Unsayable()
        word = prefix + word
        if word not in words:
            words.append(word)
    return ", ".join(_quoted(w) if w else "rien" for w in words)


# -- repetitions -----------------------------------------------------------

def _count(low: int, high: int) -> str:
    if high is MAXREPEAT or high == MAXREPEAT:
        return "au moins 1" if low <= 1 else f"au moins {low}"
    if low == high:
        return str(low)
    if high == low + 1:
        return f"{low} ou {high}"
    return f"{low} à {high}"


def _repeat(low: int, high: int, body: list) -> str:
    body = [item for item in body if item[0] is not AT]
    if low == 0 and high == 1:
        inner = _sequence(body)
        return "éventuellement " + inner.replace(" puis ", " et ")
    if len(body) == 1 and body[0][0] is SUBPATTERN:
        body = [item for item in body[0][1][3] if item[0] is not AT]
    if len(body) == 1 and body[0][0] is IN:
        noun = _class(body[0][1])
        if low == 0:
            return f"éventuellement des {noun[1]}"
        if low == 1 and (high is MAXREPEAT or high == MAXREPEAT):
            return f"des {noun[1]}"
        count = _count(low, high)
        return f"{count} {noun[0] if count == '1' else noun[1]}"
    if len(body) == 1 and body[0][0] is ANY:
        if low == 0:
            return "éventuellement d'autres caractères"
        return f"{_count(low, high)} caractères quelconques"
    if len(body) == 1 and body[0][0] is LITERAL and low >= 1 and high == low:
        return _quoted(chr(body[0][1]) * low)
    inner = _sequence(body)
    if low == 0:
        return f"éventuellement, une ou plusieurs fois : {inner}"
    if low == 1 and (high is MAXREPEAT or high == MAXREPEAT):
        return f"une ou plusieurs fois : {inner}"
    raise _Unsayable()


# -- character classes -----------------------------------------------------

def _one(noun: tuple[str, str]) -> str:
    singular = noun[0]
    article = "une" if singular.startswith(("lettre", "majuscule", "minuscule")) else "un"
    if singular.startswith("« "):
        return singular
    return f"{article} {singular}"


def _class(items: list) -> tuple[str, str]:
    """(singular, plural) of a character class: (chiffre, chiffres)…"""
    kinds: list[str] = []
    literals: list[str] = []
    for op, arg in items:
        if op is NEGATE:
            raise _Unsayable()
        if op is CATEGORY:
            kinds.append({CATEGORY_DIGIT: "digit", CATEGORY_SPACE: "space",
                          CATEGORY_WORD: "word"}.get(arg) or _fail())
        elif op is RANGE:
            kinds.append(_range(*arg))
        elif op is LITERAL:
            literals.append(chr(arg))
        else:
            raise _Unsayable()
    return _class_words(kinds, literals)


def _fail():
    raise _Unsayable()


def _range(low: int, high: int) -> str:
    if (low, high) == (ord("0"), ord("9")):
        return "digit"
    if (low, high) == (ord("A"), ord("Z")):
        return "upper"
    if (low, high) == (ord("a"), ord("z")):
        return "lower"
    if (low, high) == _ACCENTED:
        return "accented"
    if ord("0") <= low <= high <= ord("9"):
        return f"digits {chr(low)}-{chr(high)}"
    if ord("A") <= low <= high <= ord("Z") and high - low < 4:
        return "named " + "".join(chr(c) for c in range(low, high + 1))
    raise _Unsayable()


_PUNCTUATION = {"-": ("tiret", "tirets"), "'": ("apostrophe", "apostrophes"),
                " ": ("espace", "espaces"), "_": ("« _ »", "« _ »")}


def _class_words(kinds: list[str], literals: list[str]) -> tuple[str, str]:
    kinds = list(dict.fromkeys(kinds))
    letters = {"upper", "lower"} & set(kinds)
    singular: list[str] = []
    plural: list[str] = []
    if letters == {"upper", "lower"} or "word" in kinds:
        singular.append("lettre")
        plural.append("lettres")
    elif letters == {"upper"}:
        singular.append("lettre majuscule")
        plural.append("lettres majuscules")
    elif letters == {"lower"}:
        singular.append("lettre minuscule")
        plural.append("lettres minuscules")
    if "accented" in kinds:
        if not letters:
            raise _Unsayable()
        plural[-1] += " accentuées ou non"
        singular[-1] += " accentuée ou non"
    for kind in kinds:
        if kind.startswith("named "):
            literals.extend(kind.split(" ")[1])
        elif kind.startswith("digits "):
            low, high = kind.split(" ")[1].split("-")
            singular.append(f"chiffre de {low} à {high}")
            plural.append(f"chiffres de {low} à {high}")
    if "digit" in kinds or "word" in kinds:
        singular.append("chiffre")
        plural.append("chiffres")
    if "space" in kinds:
        singular.append("espace")
        plural.append("espaces")
    letters_named = []
    for char in literals:
        if char in _PUNCTUATION:
            if _PUNCTUATION[char][0] not in singular:
                singular.append(_PUNCTUATION[char][0])
                plural.append(_PUNCTUATION[char][1])
        elif char.isalnum():
            letters_named.append(char)
        else:
            raise _Unsayable()
    if letters_named:
        named = " ou ".join(_quoted(c) for c in letters_named)
        singular.append(named)
        plural.append(named)
    if not singular:
        raise _Unsayable()
    return _or(singular), _or(plural)


def _or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " ou " + words[-1]
