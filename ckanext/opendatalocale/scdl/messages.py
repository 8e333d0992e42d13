"""French messages of the validation report: what is wrong, what the column
expects (from the schema), how to fix it."""
from __future__ import annotations

import re
from typing import Any, Optional

from .patterns import describe_pattern, pattern_in_words

__all__ = ["error_message", "file_message", "expectation"]

_TYPES = {
    "string": "du texte", "integer": "un nombre entier, sans espace ni décimale",
    "number": "un nombre, avec un point pour les décimales",
    "date": "une date au format AAAA-MM-JJ",
    "datetime": "une date et une heure au format AAAA-MM-JJTHH:MM:SS",
    "time": "une heure au format HH:MM:SS", "year": "une année sur 4 chiffres",
    "yearmonth": "une année et un mois au format AAAA-MM",
    "boolean": "vrai ou faux", "array": "une liste", "object": "un objet JSON",
    "geopoint": "un point géographique", "geojson": "une géométrie GeoJSON",
    "duration": "une durée",
}
_FORMATS = {"email": "une adresse électronique", "uri": "une adresse web complète"}
# shown when the schema gives no example of its own
_EXAMPLES = {"number": "1234.56", "date": "2024-03-12", "email": "mairie@example.fr",
             "uri": "https://www.example.fr/page"}
# No parentheses, brackets nor other signs of regular expressions in what
# the commune reads (patterns are put in words by .patterns).
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def expectation(field: dict[str, Any]) -> str:
    """What a column expects, in one French sentence."""
    kind = field.get("type", "string")
    c = field.get("constraints", {})
    pattern = c.get("pattern") if "enum" not in c else None
    parts = [_FORMATS.get(field.get("format", ""), _TYPES.get(kind, kind))]
    if pattern and kind == "string" and not field.get("format"):
        parts = []  # the pattern says it better than « du texte »
    if kind == "boolean" and field.get("trueValues"):
        parts = [" ou ".join(field.get("trueValues", [])[:1] + field.get("falseValues", [])[:1])]
    if pattern:
        parts.append(describe_pattern(pattern, field.get("example")))
    if "enum" in c:
        values = [str(v) for v in c["enum"]]
        shown = ", ".join(values[:12]) + (" …" if len(values) > 12 else "")
        parts.append(f"parmi : {shown}")
    if "minimum" in c:
        parts.append(f"au moins {c['minimum']}")
    if "maximum" in c:
        parts.append(f"au plus {c['maximum']}")
    if "minLength" in c:
        parts.append(f"d'au moins {c['minLength']} caractères")
    if "maxLength" in c:
        parts.append(f"d'au plus {c['maxLength']} caractères")
    example = field.get("example")
    if example in (None, ""):
        example = _EXAMPLES.get(field.get("format", "")) or _EXAMPLES.get(kind)
    if example not in (None, "") and not (pattern and not pattern_in_words(pattern)):
        parts.append(f"par exemple « {example} »")
    return ", ".join(parts)


def _fix(value: Optional[str], field: dict[str, Any]) -> str:
    """A concrete correction when one can be guessed."""
    if value and field.get("type") == "date":
        match = _FRENCH_DATE.match(value.strip())
        if match:
            day, month, year = match.groups()
            return f" Écrivez plutôt {year}-{int(month):02d}-{int(day):02d}."
    if value and field.get("type") == "number" and re.fullmatch(r"-?[\d\s]+,\d+", value.strip()):
        return f" Écrivez plutôt {value.replace(' ', '').replace(',', '.')}."
    return ""


def error_message(error_type: str, name: Optional[str], value: Optional[str],
                  field: dict[str, Any], note: str = "") -> str:
    quoted = f"« {value} »" if value not in (None, "") else "La valeur"
    if error_type == "missing-label":
        return (f"La colonne obligatoire {name} est absente : ajoutez-la (elle attend "
                f"{expectation(field)}).")
    if error_type == "duplicate-label":
        return f"La colonne {name} apparaît plusieurs fois : ne la gardez qu'une fois."
    if error_type == "blank-label":
        return "Une colonne n'a pas de nom dans la ligne d'en-tête."
    if error_type == "blank-row":
        return "Ligne vide : supprimez-la."
    if error_type in ("missing-cell", "extra-cell"):
        return ("Cette ligne n'a pas le même nombre de colonnes que l'en-tête : vérifiez les "
                "séparateurs et les guillemets.")
    if error_type == "type-error":
        return (f"{quoted} n'est pas ce qu'attend {name} : {expectation(field)}."
                + _fix(value, field))
    if error_type == "constraint-error":
        if "required" in note:
            return f"{name} est obligatoire : cette case ne peut pas rester vide."
        return f"{quoted} ne convient pas pour {name}, qui attend {expectation(field)}."
    if error_type in ("unique-error", "primary-key"):
        return f"{quoted} apparaît plusieurs fois dans {name}, qui doit être unique."
    return f"{quoted} : erreur {error_type}" + (f" ({note})" if note else "") + "."


def file_message(error_type: str, note: str = "") -> str:
    if error_type == "empty":
        return "Le fichier est vide."
    if error_type == "missing":
        return "Le fichier de cette ressource est introuvable."
    if error_type == "too-large":
        return (f"Le fichier lié dépasse {note} Mo : déposez-le plutôt sur le portail, "
                "ou découpez-le.")
    if error_type == "download":
        return f"Le fichier lié n'a pas pu être téléchargé ({note})."
    if error_type == "internal-address":
        return (f"Le fichier lié n'a pas été téléchargé : adresse interne refusée ({note}). "
                "Le portail ne télécharge que des adresses publiques d'Internet : donnez le "
                "lien public du fichier, ou déposez le fichier lui-même.")
    if error_type == "crash":
        return (f"La vérification n'a pas pu aboutir ({note}). Le fichier est conservé ; "
                "relancez la vérification, ou elle sera refaite à sa prochaine mise à jour.")
    if error_type == "timeout":
        return (f"La vérification a été arrêtée : elle a dépassé le temps maximal de {note} "
                "secondes. Le fichier est conservé ; s'il est très gros, découpez-le ou "
                "enregistrez-le en CSV, puis relancez la vérification.")
    if error_type == "memory":
        return (f"La vérification a été arrêtée : elle demandait plus de mémoire que les "
                f"{note} accordés par le portail. Le fichier est conservé ; vérifiez qu'il "
                "s'agit bien d'un tableau SCDL (un classeur plein de cases vides ou de mises "
                "en forme en demande beaucoup), puis relancez la vérification.")
    if error_type == "queue":
        return ("La vérification n'a pas pu être lancée : le service de vérification en "
                f"arrière-plan est indisponible ({note}). Le fichier est conservé ; relancez "
                "la vérification un peu plus tard.")
    if error_type == "html":
        return ("Le fichier est une page web (HTML), pas un tableau : le lien mène sans "
                "doute à une page d'erreur ou de téléchargement. Déposez le fichier CSV "
                "lui-même.")
    if error_type == "encoding-error":
        return ("Le fichier n'a pas pu être lu : son encodage n'est pas reconnu. "
                "Enregistrez-le en UTF-8 (« CSV UTF-8 » dans votre tableur).")
    if error_type in ("format-error", "source-error", "scheme-error"):
        return ("Le fichier n'a pas pu être lu comme un tableau CSV ou Excel : vérifiez "
                "qu'il s'agit bien du bon fichier, enregistré au format CSV (séparateur "
                "virgule) ou XLSX.")
    return f"Le fichier n'a pas pu être vérifié ({error_type})."
