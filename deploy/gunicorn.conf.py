"""gunicorn settings for the portal: ``CKAN_INI=ckan.ini gunicorn -c deploy/gunicorn.conf.py``
(``make serve-prod``). Any setting can be overridden on the command line or in
``GUNICORN_CMD_ARGS``, e.g. ``GUNICORN_CMD_ARGS="--workers 4 --timeout 60"``.
"""
import os
import threading
import time

pythonpath = os.path.dirname(os.path.abspath(__file__))  # deploy/wsgi.py
wsgi_app = "wsgi:application"
bind = "127.0.0.1:5000"

# Asynchronous workers: a sync worker is held by each slow client (three froze
# a three-worker portal), a gthread worker by each client that never finishes
# its headers; a gevent worker waits for every connection in its event loop,
# up to worker_connections at once. PostgreSQL waits yield too (post_fork).
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, os.cpu_count() or 1)))
worker_connections = 1000
# Seconds a request may run (see the watchdog below) and a silent worker may live.
timeout = 120
graceful_timeout = 30
keepalive = 5
# A fresh process now and then bounds the memory a long-lived worker gathers.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# one portal, no runtime control: several instances would share its socket path
control_socket_disable = True


def post_fork(server, worker):
    # psycopg2 is C code gevent cannot patch: without this, a query would
    # stop every other request of the worker until PostgreSQL answers
    if server.cfg.worker_class_str == "gevent":
        from psycogreen.gevent import patch_psycopg
        patch_psycopg()


# gunicorn's timeout bounds a request only while it holds the whole worker;
# a request waiting on its client or a service leaves the event loop alive.
# The watchdog gives those the same limit: a request older than `timeout`
# makes its worker stop (the other requests get graceful_timeout to finish)
# and the master starts a fresh one.
def post_worker_init(worker):
    worker.request_starts = {}

    def watch():
        while worker.alive:
            time.sleep(1)
            oldest = min(worker.request_starts.values(), default=time.monotonic())
            if time.monotonic() - oldest > worker.cfg.timeout:
                worker.log.error("A request ran over %ss: restarting worker %s",
                                 worker.cfg.timeout, worker.pid)
                worker.alive = False

    threading.Thread(target=watch, name="request-watchdog", daemon=True).start()


def pre_request(worker, req):
    worker.request_starts[threading.get_ident()] = time.monotonic()


def post_request(worker, req, environ, resp):
    worker.request_starts.pop(threading.get_ident(), None)


def worker_exit(server, worker):
    # a request still under way in a thread would keep the process from exiting
    if getattr(worker, "request_starts", None):
        os._exit(1)
