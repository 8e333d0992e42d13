"""Load the demo portal: a sysadmin, a commune editor, an EPCI admin and a
département admin, organisations (the territories come from
``ckan opendatalocale territories load``, run before) and datasets.

Usage: python demo/load.py CONFIG [SITE_URL [CREDENTIALS]]

Idempotent: what exists is kept (the passwords and the sysadmin's API token
are read back from the credentials file, ``demo-credentials.txt`` at the
repository root by default), what is missing is created. The credentials are
written to that file, readable by its owner only, and never printed: logs
and terminals are often shared.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo/scdl_files.py

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = ROOT / "demo-credentials.txt"
DATA = Path(__file__).resolve().parent / "datasets.json"

SYSADMIN = "admin"
EDITOR = "secretaire-cesson"
# the territories above, publishing on behalf of their communes (roles that
# cascade: ckan.auth.roles_that_cascade_to_sub_groups = admin editor)
TERRITORY_ADMINS = {"epci": ("agent-metropole", "epci-243500139",
                             "Chargée open data de la métropole (démo)"),
                    "departement": ("agent-departement", "departement-35",
                                    "Chargé open data du département (démo)")}


def read_credentials(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def ensure_user(model, name: str, password: str, sysadmin: bool, fullname: str) -> None:
    from ckan.logic import get_action
    user = model.User.get(name)
    if user is None:
        get_action("user_create")({"ignore_auth": True}, {
            "name": name, "password": password, "fullname": fullname,
            "email": f"{name}@demo.opendatalocale.localhost"})
        user = model.User.get(name)
    user.password = password  # the password of the credentials file, always
    user.sysadmin = sysadmin
    user.state = "active"
    model.Session.commit()


def give_siret(name: str, context: dict) -> None:
    """The demo commune's seat SIRET (its SIREN and a first valid NIC: a demo
    value, not the real one), which online entry fills files in with."""
    from ckan.logic import get_action
    from stdnum.fr import siret
    org = get_action("organization_show")(dict(context), {"id": name})
    siren = org.get("siren")
    if not siren or org.get("siret"):
        return
    number = next(siren + f"{nic:05d}" for nic in range(1, 100000)
                  if siret.is_valid(siren + f"{nic:05d}"))
    get_action("organization_patch")(dict(context), {"id": name, "siret": number})


def valid_token(model, token: str) -> bool:
    from ckan.lib.api_token import decode
    data = decode(token) if token else None
    return bool(data) and model.ApiToken.get(data.get("jti")) is not None


def load(site_url: str, credentials: Path) -> dict[str, str]:
    import ckan.model as model
    from ckan.logic import get_action

    creds = read_credentials(credentials)
    admin_password = creds.get("admin_password") or secrets.token_urlsafe(12)
    editor_password = creds.get("editor_password") or secrets.token_urlsafe(12)
    ensure_user(model, SYSADMIN, admin_password, True, "Administrateur du portail")
    ensure_user(model, EDITOR, editor_password, False, "Secrétaire de mairie (démo)")
    context = {"user": SYSADMIN, "ignore_auth": True}

    token = creds.get("admin_api_token", "")
    if not valid_token(model, token):
        token = get_action("api_token_create")(
            dict(context), {"user": SYSADMIN, "name": "demo"})["token"]

    data = json.loads(DATA.read_text(encoding="utf-8"))
    for org in data["organizations"]:
        if model.Group.get(org["name"]) is None:
            get_action("organization_create")(dict(context), dict(org))
    get_action("organization_member_create")(dict(context), {
        "id": data["editor_organization"], "username": EDITOR, "role": "editor"})
    give_siret(data["editor_organization"], context)
    territory_passwords = {}
    for level, (name, organization, fullname) in TERRITORY_ADMINS.items():
        password = creds.get(f"{level}_admin_password") or secrets.token_urlsafe(12)
        ensure_user(model, name, password, False, fullname)
        if model.Group.get(organization) is not None:  # loaded from the COG
            get_action("organization_member_create")(dict(context), {
                "id": organization, "username": name, "role": "admin"})
        territory_passwords[level] = password
    created = 0
    for dataset in data["datasets"]:
        if model.Package.get(dataset["name"]) is None:
            get_action("package_create")(dict(context), dict(dataset))
            created += 1

    created += load_scdl(context)

    return {
        "site_url": site_url,
        "admin_user": SYSADMIN,
        "admin_password": admin_password,
        "admin_api_token": token,
        "editor_user": EDITOR,
        "editor_password": editor_password,
        "editor_organization": data["editor_organization"],
        "epci_admin_user": TERRITORY_ADMINS["epci"][0],
        "epci_admin_password": territory_passwords["epci"],
        "epci_admin_organization": TERRITORY_ADMINS["epci"][1],
        "departement_admin_user": TERRITORY_ADMINS["departement"][0],
        "departement_admin_password": territory_passwords["departement"],
        "departement_admin_organization": TERRITORY_ADMINS["departement"][1],
        "datasets_created": str(created),
    }


SCDL_ORGANIZATIONS = ["commune-35051", "commune-35238", "epci-243500139"]
# one mistake for every other type: most demo files are valid
SCDL_MISTAKES = {"deliberations": "dates", "budget": "siret", "menus-collectifs": "latin1",
                 "irve": "colonne", "prenoms": "point-virgule"}


def load_scdl(context: dict) -> int:
    """A dataset of every SCDL type with a valid CSV file, and for some types
    a second dataset whose file has a mistake communes really make."""
    import io

    import ckan.model as model
    from ckan.logic import get_action
    from werkzeug.datastructures import FileStorage

    from ckanext.opendatalocale.scdl import catalogue
    from scdl_files import MISTAKES, mistaken_csv, valid_csv

    created = 0
    for n, entry in enumerate(catalogue().entries):
        org = SCDL_ORGANIZATIONS[n % len(SCDL_ORGANIZATIONS)]
        table_schema = entry.latest.table_schema()
        files = [("", valid_csv(table_schema), "")]
        mistake = SCDL_MISTAKES.get(entry.slug)
        if mistake:
            what, _, invalid = MISTAKES[mistake]
            note = (f" (fichier avec une erreur : {what})" if invalid
                    else f" (fichier lu avec un avertissement : {what})")
            files.append((f"-{mistake}", mistaken_csv(table_schema, mistake), note))
        for suffix, content, note in files:
            name = f"{entry.slug}-{org}{suffix}"
            existing = model.Package.get(name)
            if existing is not None and existing.resources:
                _validate_unchecked(context, existing)
                continue
            dataset = {"id": existing.id} if existing else get_action("package_create")(
                dict(context), {
                    "type": entry.slug, "name": name, "owner_org": org,
                    "title": f"{entry.title['fr']}{note}",
                    "notes": entry.description["fr"],
                    "tag_string": "socle commun"})
            get_action("resource_create")(dict(context), {
                "package_id": dataset["id"], "name": f"{entry.title['fr']}.csv",
                "format": "CSV",
                "upload": FileStorage(stream=io.BytesIO(content),
                                      filename=f"{entry.slug}.csv",
                                      content_type="text/csv")})
            created += 1
    return created


def _validate_unchecked(context: dict, package) -> None:
    """Check the files a previous version of the demo loaded unchecked."""
    from ckan.logic import get_action
    from ckan.plugins import plugin_loaded
    if not plugin_loaded("opendatalocale_validation"):
        return
    for resource in package.resources:
        try:
            get_action("resource_validation_show")(dict(context), {"resource_id": resource.id})
        except Exception:
            get_action("resource_validation_run")(dict(context), {
                "resource_id": resource.id, "async": False})


def write_credentials(path: Path, values: dict[str, str]) -> None:
    lines = [
        "# Portail de démonstration ckanext-opendatalocale (make serve).",
        "# Identifiants de démonstration : ne pas utiliser en production.",
    ] + [f"{k} = {v}" for k, v in values.items() if k != "datasets_created"]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also a file an older loader left world-readable
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")


def main(config_path: str, site_url: str = "http://127.0.0.1:5000",
         credentials: str = str(CREDENTIALS)) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config_path))
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        values = load(site_url, Path(credentials))
    write_credentials(Path(credentials), values)
    print(summary(values, credentials))


def summary(values: dict[str, str], credentials: str) -> str:
    """What the set-up prints: where the credentials are, never what they are."""
    return f"""
Portail de démonstration prêt : {values['site_url']}
  Jeux de données créés à ce lancement : {values['datasets_created']}
  Identifiants des comptes de démonstration (administrateur, éditrice de
  {values['editor_organization']}, administrateurs de {values['epci_admin_organization']} et de
  {values['departement_admin_organization']}) et jeton d'API : {credentials}
"""


if __name__ == "__main__":
    main(*sys.argv[1:])
