"""The observatoire decides each dataset's status in SQL: the core's rule
(``scdl.status.dataset_status``), case by case, on real PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import product

import ckan.model as model

from ckanext.opendatalocale.report.compliance import status_sql
from ckanext.opendatalocale.scdl import status as st

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
CONFORMITIES = (None, "conforme", "invalide", "en-cours", "non-valide")
FREQUENCIES = (None, "", "IRREG", "CONT", "monthly", *st.FREQUENCY_PERIODS)
AGES = sorted({timedelta(0), timedelta(days=3000)}
              | {period + shift for period in st.FREQUENCY_PERIODS.values()
                 for shift in (-timedelta(seconds=1), timedelta(seconds=1))})


def test_the_sql_rule_is_the_core_s_rule():
    cases = list(product(CONFORMITIES, FREQUENCIES, AGES))
    values, params = [], {"now": NOW}
    for n, (conformity, frequency, age) in enumerate(cases):
        values.append(f"({n}, %(c{n})s, %(f{n})s, %(m{n})s::timestamptz)")
        params.update({f"c{n}": conformity, f"f{n}": frequency, f"m{n}": NOW - age})
    connection = model.meta.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT n, {status_sql()} FROM (VALUES {', '.join(values)}) "
                       "AS d(n, conformity, frequency, metadata_modified) ORDER BY n", params)
        in_sql = [st.STATUSES[rank] for _n, rank in cursor.fetchall()]
    finally:
        connection.close()
    in_python = [st.dataset_status(c, NOW - age, f, NOW) for c, f, age in cases]
    assert in_sql == in_python
    assert set(in_python) == set(st.STATUSES) - {st.ABSENT}  # every status was tried
