"""Jobs queued from a browser test's server thread first (CKAN then pushes
its Redis connection on that thread's RQ stack only) can still be worked by
the test itself (tests/conftest.py: rq_connection_for_workers)."""
import threading

from ckan.lib import jobs
from rq import connections


def test_a_worker_in_the_test_thread_after_a_queue_made_in_another(monkeypatch):
    monkeypatch.setattr(jobs, "_queues", {})
    popped = []
    while connections.get_current_connection() is not None:  # as a fresh thread
        popped.append(connections.pop_connection())
    try:
        made = threading.Thread(target=jobs.get_queue)
        made.start()
        made.join()
        assert connections.get_current_connection() is None  # the other thread got it
        worker = jobs.Worker()  # without the fixture: no connection here, it raises
        assert worker.connection.ping()
    finally:
        for connection in reversed(popped):
            connections.push_connection(connection)
