"""Search benchmark of the PostgreSQL backend (`make bench-search`).

For each size (default 10 000 and 100 000 datasets over 500 organisations):
1. writes synthetic datasets straight into CKAN's tables (tags, formats,
   licences, resources, a share of private datasets) — this part is set-up,
   not measured;
2. times a full `search-index rebuild` (CKAN's own path: package_show, every
   plugin's before_dataset_index, our writes);
3. times typical searches through `package_search` (validation, permission
   labels, our backend, JSON decoding: what a page or an API call costs) for an
   anonymous visitor and for a user member of 300 organisations, and prints
   median and p95 over several runs.

Usage: python bench/search/run.py [SIZE ...]   (environment: CKAN_SQLALCHEMY_URL,
CKAN_REDIS_URL; config: test.ini)
"""
from __future__ import annotations

import io
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORGANIZATIONS = 500
RUNS = 15
MEMBER_OF = 300
WORDS = ("budget délibération subvention équipement sportif culturel piscine école "
         "cantine menu prénom naissance recharge borne vélo transport déchets eau "
         "assainissement urbanisme voirie parking marché public association culture "
         "bibliothèque musée patrimoine élection conseil municipal métropole commune").split()
TAGS = [f"thème-{i}" for i in range(300)]
FORMATS = ["CSV", "JSON", "XLSX", "GeoJSON", "PDF", "ZIP", "XML", "SHP"]
LICENSES = ["odc-odbl", "cc-by", "cc-zero", "other-open", "notspecified"]


def copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ")
                               for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def generate(engine, size: int, rng: random.Random) -> dict:
    """Synthetic datasets written with COPY (set-up, not measured)."""
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("SELECT id FROM \"user\" WHERE name = 'bench-member'")
    user_id = cur.fetchone()[0]
    now = datetime.utcnow()
    orgs = [(str(uuid.uuid4()), f"org-bench-{i:04d}", f"Commune de test {i}") for i in range(ORGANIZATIONS)]
    copy(cur, '"group"', ["id", "name", "title", "description", "created", "state", "type",
                          "approval_status", "is_organization"],
         [(o[0], o[1], o[2], "", now, "active", "organization", "approved", "true") for o in orgs])
    copy(cur, "member", ["id", "group_id", "table_id", "state", "table_name", "capacity"],
         [(str(uuid.uuid4()), o[0], user_id, "active", "user", "editor")
          for o in orgs[:MEMBER_OF]])
    tag_ids = {t: str(uuid.uuid4()) for t in TAGS}
    copy(cur, "tag", ["id", "name"], [(i, t) for t, i in tag_ids.items()])
    packages, resources, package_tags, members = [], [], [], []
    for n in range(size):
        pid = str(uuid.uuid4())
        org = orgs[rng.randrange(ORGANIZATIONS)]
        words = rng.sample(WORDS, 4)
        created = now - timedelta(days=rng.randrange(1500), seconds=rng.randrange(86400))
        modified = created + timedelta(days=rng.randrange(30))
        packages.append((pid, f"jeu-{n:06d}", f"{words[0].capitalize()} {words[1]} {n}",
                         " ".join(rng.choices(WORDS, k=25)), "active", rng.choice(LICENSES),
                         "dataset", org[0], "true" if rng.random() < 0.1 else "false",
                         modified, created, user_id))
        members.append((str(uuid.uuid4()), org[0], pid, "active", "package", "organization"))
        for position in range(rng.randrange(1, 4)):
            fmt = rng.choice(FORMATS)
            resources.append((str(uuid.uuid4()), pid, f"https://example.org/{n}/{position}.{fmt.lower()}",
                              fmt, f"Fichier {words[2]} {position}", position, "active", created))
        for tag in rng.sample(TAGS, rng.randrange(1, 5)):
            package_tags.append((str(uuid.uuid4()), "active", pid, tag_ids[tag]))
    copy(cur, "package", ["id", "name", "title", "notes", "state", "license_id", "type",
                          "owner_org", "private", "metadata_modified", "metadata_created",
                          "creator_user_id"], packages)
    copy(cur, "member", ["id", "group_id", "table_id", "state", "table_name", "capacity"], members)
    copy(cur, "resource", ["id", "package_id", "url", "format", "name", "position", "state",
                           "created"], resources)
    copy(cur, "package_tag", ["id", "state", "package_id", "tag_id"], package_tags)
    raw.commit()
    raw.close()
    return {"orgs": orgs}


def reset(engine) -> None:
    import ckan.model as model
    model.Session.remove()  # its open transaction would block TRUNCATE
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "TRUNCATE package_tag, resource, package_extra, tag, member, package, "
            "\"group\", activity, opendatalocale_search_index CASCADE")


def timed(fn, runs: int = RUNS, before=None) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return f"median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"


def main(sizes: list[int]) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        run(sizes)


def run(sizes: list[int]) -> None:
    import ckan.model as model
    from ckan.lib import search
    from ckan.lib.redis import connect_to_redis
    from ckan.logic import get_action

    engine = model.meta.engine
    if model.User.get("bench-member") is None:
        get_action("user_create")({"ignore_auth": True}, {
            "name": "bench-member", "email": "bench@example.org",
            "password": "bench-password-123"})
    redis = connect_to_redis()

    def flush_cache() -> None:
        for key in redis.scan_iter("ckanext-opendatalocale:search:*"):
            redis.delete(key)

    facets = ["organization", "groups", "tags", "res_format", "license_id"]
    for size in sizes:
        print(f"\n=== {size} datasets, {ORGANIZATIONS} organisations ===", flush=True)
        reset(engine)
        rng = random.Random(size)
        data = generate(engine, size, rng)
        start = time.perf_counter()
        search.rebuild(quiet=True, defer_commit=True)
        search.commit()
        rebuild = time.perf_counter() - start
        print(f"search-index rebuild: {rebuild:7.1f} s ({rebuild / size * 1000:.2f} ms per dataset)",
              flush=True)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE opendatalocale_search_index")
        since = (datetime.utcnow() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        org_id = data["orgs"][7][0]
        queries = {
            "home page facets (cold)": ({"q": "*:*", "fq": 'capacity:"public"', "rows": 4,
                                         "sort": "view_recent desc", "facet.field": facets}, True),
            "home page facets (warm)": ({"q": "*:*", "fq": 'capacity:"public"', "rows": 4,
                                         "sort": "view_recent desc", "facet.field": facets}, False),
            "text + 2 filters + facets": ({"q": "piscine", "fq": 'tags:"thème-12" res_format:"CSV"',
                                           "rows": 20, "facet.field": facets}, False),
            "organisation page": ({"q": "", "fq": f'+owner_org:"{org_id}"', "rows": 20,
                                   "facet.field": facets}, False),
            "harvester 30-day range": ({"q": "*:*", "rows": 100, "sort": "metadata_modified desc",
                                        "fq": f"metadata_modified:[{since} TO NOW]"}, False),
            "page 50 of results": ({"q": "*:*", "rows": 20, "start": 980, "facet.field": facets},
                                   False),
        }
        for who, user in (("anonymous", ""), (f"member of {MEMBER_OF} orgs", "bench-member")):
            print(f"-- {who}")
            for label, (params, cold) in queries.items():
                def call(params=params, user=user):
                    get_action("package_search")(
                        {"user": user, "ignore_auth": False}, dict(params, include_private=True))
                call()  # warm PostgreSQL and the facet cache
                times = timed(call, before=flush_cache if cold else None)
                print(f"   {label:30s} {summary(times)}", flush=True)


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [10000, 100000])
