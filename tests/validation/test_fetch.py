"""Linked files are downloaded from public addresses only: checked after DNS
resolution and at every redirect, with a timeout and a size limit."""
import http.server
import io
import threading
import time

import pytest
from ckan.lib.jobs import Worker
from ckan.tests import helpers

from ckanext.opendatalocale.fetch import Unfetchable, anywhere, download, is_public

from ..scdl.words import en, fr

from .conftest import VALID, status

SECRET = b"id,secret\n1,mot-de-passe-du-service-interne\n"


class Service:
    """A local HTTP service that records what it is asked."""

    def __init__(self, host: str = "127.0.0.1", routes=None):
        self.requests = []
        routes = routes or {}
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                service.requests.append((self.path, self.headers.get("Host")))
                route = routes.get(self.path, (200, {}, SECRET))
                if callable(route):
                    return route(self)
                code, headers, body = route
                self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.base = f"http://{host}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def services():
    started = []

    def start(*args, **kwargs):
        started.append(Service(*args, **kwargs))
        return started[-1]
    yield start
    for service in started:
        service.close()


def only_loopback_one(address: str) -> bool:
    """A policy for tests: 127.0.0.1 stands for the Internet, the rest of
    127.0.0.0/8 for the portal's network."""
    return address == "127.0.0.1"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1",
    "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "198.18.0.1",
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "ff02::1",
    "ff0e::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "64:ff9b::7f00:1"])
def test_internal_addresses_are_refused(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", [
    "8.8.8.8", "193.55.10.1", "2a00:1450:4007:80e::200e", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert is_public(address)


@pytest.mark.usefixtures("clean_db")
def test_a_link_to_an_internal_service_is_not_read(editor, subventions, services):
    """Once, a resource linked to http://127.0.0.1:8899/secret.csv had that
    service's content shown in the public report."""
    service = services()
    resource = helpers.call_action("resource_create", context={"user": editor["name"]},
                                   package_id=subventions["id"], format="CSV",
                                   url=f"{service.base}/secret.csv")
    Worker().work(burst=True)
    validation = status(resource["id"])
    assert service.requests == []
    # not "non conforme": the file could not be read, nothing is said of it
    assert validation["status"] == "error"
    assert validation["report"]["unreachable"] == "adresse interne refusée"
    assert validation["report"]["rows"] == 0 and validation["report"]["errors"] == []
    assert "adresse interne refusée (127.0.0.1 : 127.0.0.1)" in validation["error"]
    assert "mot-de-passe" not in str(validation)


@pytest.mark.usefixtures("clean_db")
def test_a_name_is_checked_after_its_resolution(editor, subventions, services):
    service = services()
    resource = helpers.call_action(
        "resource_create", context={"user": editor["name"]}, package_id=subventions["id"],
        format="CSV", url=f"http://localhost:{service.server.server_port}/secret.csv")
    Worker().work(burst=True)
    assert service.requests == []
    assert "adresse interne refusée (localhost : " in status(resource["id"])["error"]


def test_a_redirect_to_an_internal_address_is_refused(services):
    internal = services(host="127.0.0.2")
    public = services(routes={"/data.csv": (302, {"Location": f"{internal.base}/secret.csv"},
                                            b"")})
    out = io.BytesIO()
    with pytest.raises(Unfetchable) as refused:
        download(f"{public.base}/data.csv", out, max_bytes=10**6, seconds=10,
                 allowed=only_loopback_one)
    assert public.requests == [("/data.csv", public.base[len("http://"):])]
    assert internal.requests == [] and out.getvalue() == b""
    assert "adresse interne refusée (127.0.0.2 : 127.0.0.2)" in fr(refused.value.message)
    assert "internal address refused (127.0.0.2: 127.0.0.2)" in en(refused.value.message)


def test_redirects_are_followed_hop_by_hop(services):
    service = services(routes={
        "/a.csv": (301, {"Location": "/b.csv"}, b""),
        "/b.csv": (307, {"Location": "c.csv?version=2"}, b""),
        "/c.csv?version=2": (200, {}, VALID)})
    out = io.BytesIO()
    download(f"{service.base}/a.csv", out, max_bytes=10**6, seconds=10,
             allowed=only_loopback_one)
    assert out.getvalue() == VALID
    assert [path for path, _ in service.requests] == ["/a.csv", "/b.csv", "/c.csv?version=2"]


def test_endless_redirects_stop(services):
    service = services(routes={"/loop": (302, {"Location": "/loop"}, b"")})
    with pytest.raises(Unfetchable) as refused:
        download(f"{service.base}/loop", io.BytesIO(), max_bytes=10**6, seconds=10,
                 allowed=anywhere)
    assert "trop de redirections" in fr(refused.value.message)
    assert len(service.requests) == 6


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(services):
    """The name is resolved once, checked, and the connection made to that
    address (no second resolution for a rebinding DNS to answer)."""
    service = services()
    port = service.server.server_port
    download(f"http://localhost:{port}/f.csv", io.BytesIO(), max_bytes=10**6, seconds=10,
             allowed=lambda address: address in ("127.0.0.1", "::1"))
    assert service.requests == [("/f.csv", f"localhost:{port}")]


def test_the_size_limit_stops_the_download(services):
    service = services(routes={"/big.csv": (200, {}, b"x" * 100_000)})
    out = io.BytesIO()
    with pytest.raises(Unfetchable) as refused:
        download(f"{service.base}/big.csv", out, max_bytes=1000, seconds=10, allowed=anywhere)
    assert "dépasse 0 Mo" in fr(refused.value.message)
    assert len(out.getvalue()) <= 1000


def test_a_server_trickling_bytes_is_given_up(services):
    def trickle(handler):
        handler.send_response(200)
        handler.end_headers()
        for _ in range(40):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    service = services(routes={"/slow.csv": trickle})
    start = time.monotonic()
    with pytest.raises(Unfetchable) as refused:
        download(f"{service.base}/slow.csv", io.BytesIO(), max_bytes=10**6, seconds=1,
                 allowed=anywhere)
    assert "délai dépassé" in fr(refused.value.message)
    assert en(refused.value.reason) == "time limit exceeded"
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.csv",
                                 "gopher://127.0.0.1:6379/_INFO", "http:///nohost"])
def test_other_schemes_are_refused(url):
    with pytest.raises(Unfetchable) as refused:
        download(url, io.BytesIO(), max_bytes=10**6, seconds=10, allowed=anywhere)
    assert "seuls les liens http et https" in fr(refused.value.message)
