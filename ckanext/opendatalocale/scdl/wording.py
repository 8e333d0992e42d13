"""What the core says, as message keys and values, not sentences.

The core does not know the visitor's language: it returns a ``Message``
whose key is the English msgid with named placeholders, and its values,
which may be messages themselves (what a column expects, inside an error).
The plugins render a message in the visitor's language through the
translation domain, by a ``Translator`` given the domain's gettext
functions. ``msg`` and ``msg_n`` are also the markers babel extracts
(tools/i18n.py: ``-k msg -k msg_n:1,2``). A message is stored as JSON
(``as_dict``) and rendered when it is shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Union

__all__ = ["Message", "Said", "Translator", "ENGLISH", "msg", "msg_n", "listing",
           "said_dict", "said_from"]

# a list said one part after another, separated by commas (the same in the
# portal's languages): not a msgid, gettext leaves it as it is
LISTING = "{items}"


@dataclass(frozen=True)
class Message:
    key: str                                   # the English msgid
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: Optional[str] = None               # the English plural msgid
    count: Optional[int] = None                # which plural form

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key,
                                "params": {k: _dict_of(v) for k, v in self.params.items()}}
        if self.plural is not None:
            data.update(plural=self.plural, count=self.count)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Message":
        return cls(data["key"], {k: _value_of(v) for k, v in data.get("params", {}).items()},
                   data.get("plural"), data.get("count"))


# A message, or a sentence stored before messages had keys (reports of
# earlier versions, in French), shown as it is.
Said = Union[Message, str]


def msg(key: str, **params: Any) -> Message:
    """A message: ``key`` is the English msgid, ``{name}`` its placeholders."""
    return Message(key, params)


def msg_n(singular: str, plural: str, count: int, **params: Any) -> Message:
    """A message whose words depend on ``count`` (« 1 error », « 3 errors »),
    given to the placeholder ``{num}``."""
    return Message(singular, {"num": count, **params}, plural, count)


def listing(parts: list[Any]) -> Message:
    """« 14 chiffres, par exemple « 21350238800019 » »: parts after one another."""
    return Message(LISTING, {"items": list(parts)})


def _dict_of(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, (list, tuple)):
        return [_dict_of(v) for v in value]
    return value


def _value_of(value: Any) -> Any:
    if isinstance(value, dict) and "key" in value:
        return Message.from_dict(value)
    if isinstance(value, list):
        return [_value_of(v) for v in value]
    return value


def said_dict(said: Optional[Said]) -> Any:
    """The JSON of a message (a stored sentence stays a string)."""
    return said.as_dict() if isinstance(said, Message) else said


def said_from(data: Any) -> Optional[Said]:
    """A message from its JSON, or the sentence stored before keys."""
    return Message.from_dict(data) if isinstance(data, dict) and "key" in data else data


@dataclass(frozen=True)
class Translator:
    """Renders messages with a language's gettext functions; ``number``
    writes counts (« 1 000 » in French, « 1,000 » in English)."""
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    number: Callable[[int], str] = str

    def render(self, said: Optional[Said]) -> str:
        if said is None:
            return ""
        if isinstance(said, str):
            return said
        values = {name: self._value(v) for name, v in said.params.items()}
        if said.plural is not None:
            count = said.count if said.count is not None else 0
            template = self.ngettext(said.key, said.plural, count)
            fallback = said.key if count == 1 else said.plural
        else:
            template = self.gettext(said.key)
            fallback = said.key
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
            return fallback.format(**values)

    def _value(self, value: Any) -> str:
        if isinstance(value, Message):
            return self.render(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(self._value(v) for v in value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        return str(value)


ENGLISH = Translator(lambda key: key, lambda one, many, n: one if n == 1 else many,
                     lambda n: f"{n:,}")
