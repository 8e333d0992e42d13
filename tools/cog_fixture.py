"""Make the COG test fixture (tests/territories/cog) from the npm package.

Usage: python tools/cog_fixture.py PACKAGE_DATA_DIR

Keeps real shapes: the département 35 (Ille-et-Vilaine) with all its
communes and the EPCI that touch it — with every member, so that CA Redon
Agglomération spans three départements and CC Côte d'Émeraude two —, the
communes nouvelles of 35 (their absorbed communes), a commune without EPCI
(Île-de-Bréhat, 22), and the départements and régions all these need.
"""
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "territories" / "cog"


def main(source: str) -> None:
    data = Path(source)
    communes = json.loads((data / "communes.json").read_text())
    epci = json.loads((data / "epci.json").read_text())
    departements = json.loads((data / "departements.json").read_text())
    regions = json.loads((data / "regions.json").read_text())
    kept_epci = [e for e in epci if any(m["code"].startswith("35") for m in e["membres"])]
    codes = {m["code"] for e in kept_epci for m in e["membres"]}
    codes |= {c["code"] for c in communes
              if c.get("departement") == "35" and c["type"] == "commune-actuelle"}
    codes.add("22016")  # Île-de-Bréhat: no EPCI
    kept = [c for c in communes if (c["code"] in codes and c["type"] == "commune-actuelle")
            or (c["type"] in ("commune-deleguee", "commune-associee")
                and c.get("chefLieu") in codes and c.get("departement") == "35")]
    deps = {c["departement"] for c in kept}
    kept_deps = [d for d in departements if d["code"] in deps]
    kept_regions = [r for r in regions if r["code"] in {d["region"] for d in kept_deps}]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("communes.json", kept), ("epci.json", kept_epci),
                       ("departements.json", kept_deps), ("regions.json", kept_regions)):
        (OUT / name).write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n")
    print(f"{len(kept)} communes, {len(kept_epci)} EPCI, {len(kept_deps)} départements, "
          f"{len(kept_regions)} régions")


if __name__ == "__main__":
    main(sys.argv[1])
