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
import sys
from typing import Any, Callable, Optional

from .text import shortened
from .wording import ENGLISH, Message, msg, msg_n

if sys.version_info >= (3, 11):
    import re._parser as _sre
    from re._constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, CATEGORY_SPACE,
                               CATEGORY_WORD, IN, LITERAL, MAX_REPEAT, MAXREPEAT,
                               MIN_REPEAT, NEGATE, RANGE, SUBPATTERN)
else:  # Python before 3.11
    import sre_parse as _sre
    from sre_constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, CATEGORY_SPACE,
                               CATEGORY_WORD, IN, LITERAL, MAX_REPEAT, MAXREPEAT,
                               MIN_REPEAT, NEGATE, RANGE, SUBPATTERN)

__all__ = ["describe_pattern", "pattern_in_words", "quoted", "DATE"]

# beyond this (in English words), a description no longer helps: the example does
LONGEST = 180
_ACCENTED = (0xC0, 0xFF)
# a count that takes the ordinary plural (« des chiffres »)
_MANY = 2
DATE = msg("a date in the format YYYY-MM-DD")


class _Unsayable(Exception):
    """A pattern shape we do not put in words."""


def pattern_in_words(pattern: str) -> Optional[Message]:
    """The pattern in words, or None when it cannot be said simply."""
    try:
        parsed = _sre.parse(pattern)
        words = _sequence(list(parsed))
    except (re.error, _Unsayable, RecursionError):
        return None
    if len(ENGLISH.render(words)) > LONGEST:
        return None
    return words


def describe_pattern(pattern: str, example: Any = None) -> Message:
    """What a value of the column looks like, in words: the pattern
    described, else « de la forme de l'exemple « … » »."""
    words = pattern_in_words(pattern)
    if words:
        return words
    if example not in (None, ""):
        return msg("in the form of the example {example}", example=quoted(str(example)))
    return msg("in the form described in the schema's guide")


def quoted(text: str) -> Message:
    """Literal text of the value: « W » (its first ``SHOWN_CHARS`` characters)."""
    return msg("“{text}”", text=shortened(text))


# -- sequences -------------------------------------------------------------

def _sequence(items: list, joined_by_and: bool = False) -> Message:
    """The parts one after the other: « « W » puis 9 chiffres » (« et »
    inside an optional part: « éventuellement « / » et 4 chiffres »)."""
    items = [item for item in items if item[0] is not AT]
    if len(items) == 1 and items[0][0] is BRANCH:
        return msg("one of the values: {values}", values=_choices(items[0][1][1]))
    if len(items) == 1 and items[0][0] is SUBPATTERN:
        return _sequence(list(items[0][1][3]), joined_by_and)
    parts: list[Message] = []
    literal = ""
    for op, arg in _dates(items):
        if op == "date":
            if literal:
                parts.append(quoted(literal))
                literal = ""
            parts.append(DATE)
            continue
        if op is LITERAL:
            literal += chr(arg)
            continue
        branches = _branches(op, arg)
        if branches is not None:
            parts.append(msg("one of {values}", values=_choices(branches, prefix=literal)))
            literal = ""
            continue
        if literal:
            parts.append(quoted(literal))
            literal = ""
        parts.append(_item(op, arg, joined_by_and))
    if literal:
        parts.append(quoted(literal))
    if not parts:
        raise _Unsayable()
    return _join(parts, joined_by_and)


# what starts with « éventuellement »: a comma before it (« , puis éventuellement »)
_OPTIONAL = {"optionally {inner}", "any number of {things}", "optionally other characters",
             "optionally, one or more times: {inner}"}


def _join(parts: list[Message], joined_by_and: bool) -> Message:
    if len(parts) == 1:
        return parts[0]
    before, last = parts[:-1], parts[-1]
    if joined_by_and:
        if last.key in _OPTIONAL:
            return msg("{parts}, and {last}", parts=before, last=last)
        return msg("{parts} and {last}", parts=before, last=last)
    if last.key in _OPTIONAL:
        return msg("{parts}, then {last}", parts=before, last=last)
    return msg("{parts} then {last}", parts=before, last=last)


_DATE_SHAPE = "9999-99-99"


def _dates(items: list) -> list:
    """The items, with each run « 4 digits - 2 digits - 2 digits » as one
    ("date", None) item: a commune knows it as a date, not as digits."""
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
            out.append(("date", None))
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


def _item(op, arg, joined_by_and: bool) -> Message:
    if op is IN:
        return _one(_class(arg))
    if op is ANY:
        return msg("any character")
    if op in (MAX_REPEAT, MIN_REPEAT):
        low, high, body = arg
        return _repeat(low, high, list(body), joined_by_and)
    if op is SUBPATTERN:
        return _sequence(list(arg[3]), joined_by_and)
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


def _choices(branches: list, prefix: str = "") -> list[Message]:
    """Alternatives of plain words, each quoted: « A », « B »…"""
    words: list[str] = []
    for branch in branches:
        word = _plain(list(branch))
        if word is None:
            raise _Unsayable()
        word = prefix + word
        if word not in words:
            words.append(word)
    return [quoted(w) if w else msg("nothing") for w in words]


# -- repetitions -----------------------------------------------------------

def _unbounded(high: int) -> bool:
    return high is MAXREPEAT or high == MAXREPEAT


def _count(low: int, high: int) -> Any:
    if _unbounded(high):
        return msg("at least {low}", low=max(low, 1))
    if low == high:
        return low
    if high == low + 1:
        return msg("{low} or {high}", low=low, high=high)
    return msg("{low} to {high}", low=low, high=high)


def _number_of(low: int, high: int) -> int:
    """The count the nouns agree with: « 1 chiffre », « 1 ou 2 chiffres »."""
    return max(low, _MANY) if _unbounded(high) else high


def _repeat(low: int, high: int, body: list, joined_by_and: bool) -> Message:
    body = [item for item in body if item[0] is not AT]
    if low == 0 and high == 1:
        return msg("optionally {inner}", inner=_sequence(body, joined_by_and=True))
    if len(body) == 1 and body[0][0] is SUBPATTERN:
        body = [item for item in body[0][1][3] if item[0] is not AT]
    if len(body) == 1 and body[0][0] is IN:
        nouns = _class(body[0][1])
        if low == 0:
            return msg("any number of {things}", things=_counted(nouns, _MANY))
        if low == 1 and _unbounded(high):
            return msg("one or more {things}", things=_counted(nouns, _MANY))
        return msg("{count} {things}", count=_count(low, high),
                   things=_counted(nouns, _number_of(low, high)))
    if len(body) == 1 and body[0][0] is ANY:
        if low == 0:
            return msg("optionally other characters")
        n = _number_of(low, high)
        return msg("{count} {things}", count=_count(low, high),
                   things=msg_n("character of any kind", "characters of any kind", n))
    if len(body) == 1 and body[0][0] is LITERAL and low >= 1 and high == low:
        return quoted(chr(body[0][1]) * low)
    inner = _sequence(body, joined_by_and)
    if low == 0:
        return msg("optionally, one or more times: {inner}", inner=inner)
    if low == 1 and _unbounded(high):
        return msg("one or more times: {inner}", inner=inner)
    raise _Unsayable()


# -- character classes -----------------------------------------------------

class _Noun:
    """A kind of character in words: counted (« 3 chiffres ») and one
    (« un chiffre », its article agreeing with it in each language)."""

    def __init__(self, counted: Callable[[int], Message], one: Message):
        self.counted = counted
        self.one = one


def _literal(words: Message) -> _Noun:
    return _Noun(lambda n: words, words)


_NOUNS = {
    "letter": _Noun(lambda n: msg_n("letter", "letters", n), msg("a letter")),
    "upper": _Noun(lambda n: msg_n("capital letter", "capital letters", n),
                   msg("a capital letter")),
    "lower": _Noun(lambda n: msg_n("lower-case letter", "lower-case letters", n),
                   msg("a lower-case letter")),
    "letter accented": _Noun(
        lambda n: msg_n("accented or unaccented letter", "accented or unaccented letters", n),
        msg("an accented or unaccented letter")),
    "upper accented": _Noun(
        lambda n: msg_n("accented or unaccented capital letter",
                        "accented or unaccented capital letters", n),
        msg("an accented or unaccented capital letter")),
    "lower accented": _Noun(
        lambda n: msg_n("accented or unaccented lower-case letter",
                        "accented or unaccented lower-case letters", n),
        msg("an accented or unaccented lower-case letter")),
    "digit": _Noun(lambda n: msg_n("digit", "digits", n), msg("a digit")),
    "space": _Noun(lambda n: msg_n("space", "spaces", n), msg("a space")),
    "hyphen": _Noun(lambda n: msg_n("hyphen", "hyphens", n), msg("a hyphen")),
    "apostrophe": _Noun(lambda n: msg_n("apostrophe", "apostrophes", n),
                        msg("an apostrophe")),
    "underscore": _literal(quoted("_")),
}


def _digits_between(low: str, high: str) -> _Noun:
    return _Noun(lambda n: msg_n("digit from {low} to {high}", "digits from {low} to {high}",
                                 n, low=low, high=high),
                 msg("a digit from {low} to {high}", low=low, high=high))


def _or(words: list[Message]) -> Message:
    if len(words) == 1:
        return words[0]
    return msg("{items} or {last}", items=words[:-1], last=words[-1])


def _one(nouns: list[_Noun]) -> Message:
    """« un chiffre ou « A » ou « B » »: the article with the first kind."""
    return _or([nouns[0].one] + [noun.counted(1) for noun in nouns[1:]])


def _counted(nouns: list[_Noun], n: int) -> Message:
    return _or([noun.counted(n) for noun in nouns])


def _class(items: list) -> list[_Noun]:
    """The kinds of character a class allows, in words."""
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


_PUNCTUATION = {"-": "hyphen", "'": "apostrophe", " ": "space", "_": "underscore"}


def _class_words(kinds: list[str], literals: list[str]) -> list[_Noun]:
    kinds = list(dict.fromkeys(kinds))
    letters = {"upper", "lower"} & set(kinds)
    if "accented" in kinds and not letters:
        raise _Unsayable()
    accented = " accented" if "accented" in kinds else ""
    named: list[str] = []
    if letters == {"upper", "lower"} or "word" in kinds:
        named.append("letter" + accented)
    elif letters == {"upper"}:
        named.append("upper" + accented)
    elif letters == {"lower"}:
        named.append("lower" + accented)
    nouns = [_NOUNS[name] for name in named]
    for kind in kinds:
        if kind.startswith("named "):
            literals.extend(kind.split(" ")[1])
        elif kind.startswith("digits "):
            low, high = kind.split(" ")[1].split("-")
            nouns.append(_digits_between(low, high))
    if "digit" in kinds or "word" in kinds:
        named.append("digit")
        nouns.append(_NOUNS["digit"])
    if "space" in kinds:
        named.append("space")
        nouns.append(_NOUNS["space"])
    letters_named = []
    for char in literals:
        if char in _PUNCTUATION:
            if _PUNCTUATION[char] not in named:
                named.append(_PUNCTUATION[char])
                nouns.append(_NOUNS[_PUNCTUATION[char]])
        elif char.isalnum():
            letters_named.append(char)
        else:
            raise _Unsayable()
    if letters_named:
        nouns.append(_literal(_or([quoted(c) for c in letters_named])))
    if not nouns:
        raise _Unsayable()
    return nouns
