"""The roll-up reads one snapshot of the data on PostgreSQL: REPEATABLE READ when it starts the
transaction itself, the caller's level when it runs inside one."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from outcomes import services as outcome_services
from tests.services import require_postgres

SET = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"


@pytest.mark.django_db(transaction=True)
def test_a_roll_up_outside_any_transaction_reads_one_repeatable_read_snapshot(brainstation):
    require_postgres()
    with CaptureQueriesContext(connection) as context:
        outcome_services.outcomes_rollup()
    sql = [query["sql"] for query in context.captured_queries]
    lock = next(i for i, text in enumerate(sql) if "pg_advisory_lock" in text)
    after = [text for text in sql[lock + 1 :] if text != "BEGIN"]  # Django logs the BEGIN it sends
    assert after[0] == SET  # the transaction's first statement, right after the lock
    assert any("pg_advisory_unlock" in text for text in after[1:])


@pytest.mark.django_db
def test_a_roll_up_inside_a_transaction_keeps_the_callers_level(brainstation):
    require_postgres()
    with transaction.atomic(), CaptureQueriesContext(connection) as context:
        outcome_services.outcomes_rollup()
    sql = [query["sql"] for query in context.captured_queries]
    assert SET not in sql
    assert any("pg_advisory_xact_lock" in text for text in sql)
