"""Downloading a linked file, from public addresses only: the validation's
check of a linked file, and online entry reopening one.

A resource's URL is chosen by an editor: fetched naively, it can make the
jobs worker read the portal's own network (``http://127.0.0.1:8899/secret``,
a cloud's metadata service at 169.254.169.254) and show it in the public
report. Here every hop is resolved first, each of its addresses must be a
public one, and the connection goes to the address that was checked (no
second resolution a rebinding DNS could answer differently); redirects are
followed by hand, each checked the same way. No maintained library fits:
advocate (requests' one) needs urllib3 < 2, the httpx ones read whole bodies
into memory. Proxies from the environment are not used.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from typing import BinaryIO, Callable
from urllib.parse import urljoin, urlsplit

import certifi  # requests' own certificates (requests.certs.where)
import urllib3

from ckanext.opendatalocale.scdl.messages import file_message, megabytes
from ckanext.opendatalocale.scdl.wording import ENGLISH, Message, Said, msg

__all__ = ["Unfetchable", "download", "is_public", "anywhere", "TOO_LONG"]

REDIRECTS = 5
TIMEOUT = urllib3.Timeout(connect=10, read=60)
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv4 addresses reached through IPv6
# IETF protocol assignments, which Python's is_global lets through in part
_PROTOCOL_ASSIGNMENTS = ipaddress.ip_network("192.0.0.0/24")
TOO_LONG = msg("time limit exceeded")


class Unfetchable(Exception):
    """The file was not downloaded; ``message`` says why, and ``reason`` in a
    few words for the status (« HTTP 404 »)."""

    def __init__(self, message: Message, reason: Said):
        super().__init__(ENGLISH.render(message))
        self.message = message
        self.reason = reason


def _failed(reason: Said) -> Unfetchable:
    return Unfetchable(file_message("download", reason), reason)


def is_public(address: str) -> bool:
    """An address of the public Internet: not loopback, private (RFC 1918,
    IPv6 ULA), link-local (cloud metadata), shared (CGNAT), multicast,
    reserved or unspecified, nor one of these inside an IPv6 address
    (mapped, 6to4, Teredo, NAT64)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public(str(embedded)):
            return False
        if ip.ipv4_mapped is not None:
            return True
    return ip.is_global and not ip.is_multicast and ip not in _PROTOCOL_ASSIGNMENTS


def anywhere(address: str) -> bool:
    """The policy of a portal that allows internal addresses."""
    return True


def _address(host: str, port: int, allowed: Callable[[str], bool]) -> str:
    """The address to connect to; refused when any address of the host is
    not allowed (a name with one public and one internal address is a trap)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise _failed(msg("unknown address: {host}", host=host)) from e
    addresses = [info[4][0] for info in found]
    refused = [a for a in addresses if not allowed(a)]
    if refused:
        raise Unfetchable(file_message("internal-address", msg("{host}: {address}", host=host,
                                                               address=refused[0])),
                          msg("internal address refused"))
    return addresses[0]


def _pool(scheme: str, host: str, address: str, port: int):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=TIMEOUT, retries=False, maxsize=1,
            server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where())
    return urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False,
                                      maxsize=1)


def download(url: str, out: BinaryIO, *, max_bytes: int, seconds: float,
             allowed: Callable[[str], bool] = is_public) -> None:
    """Write the file at ``url`` into ``out``: at most ``max_bytes``, within
    ``seconds`` (a server trickling bytes must not hold the worker), from
    addresses ``allowed`` only."""
    deadline = time.monotonic() + seconds
    for _ in range(REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _failed(msg("only http and https links are downloaded"))
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as e:
            raise _failed(msg("invalid address")) from e
        address = _address(parts.hostname, port, allowed)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": parts.netloc.rpartition("@")[2], "Accept-Encoding": "identity",
                   "User-Agent": "ckanext-opendatalocale validation"}
        with _pool(parts.scheme, parts.hostname, address, port) as pool:
            try:
                response = pool.urlopen("GET", target, headers=headers, redirect=False,
                                        retries=False, preload_content=False,
                                        assert_same_host=False)
            except urllib3.exceptions.HTTPError as e:
                raise _failed(_why(e)) from e
            try:
                location = response.headers.get("Location")
                if response.status in _REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    continue
                if response.status >= 400:
                    raise _failed(f"HTTP {response.status}")
                _copy(response, out, max_bytes, deadline)
                return
            finally:
                response.release_conn()
    raise _failed(msg("too many redirects"))


def _copy(response, out: BinaryIO, max_bytes: int, deadline: float) -> None:
    written = 0
    try:
        # read1: what has arrived, so that the deadline is seen between bytes
        for chunk in iter(lambda: response.read1(1 << 16), b""):
            if time.monotonic() > deadline:
                raise _failed(TOO_LONG)
            written += len(chunk)
            if written > max_bytes:
                raise Unfetchable(file_message("too-large", megabytes(max_bytes)),
                                  msg("too large"))
            out.write(chunk)
    except urllib3.exceptions.HTTPError as e:
        raise _failed(_why(e)) from e


def _why(error: Exception) -> Said:
    """A network failure in words (else its class name, for the operator)."""
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return msg("connection refused")  # (a subclass of the timeout error)
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return TOO_LONG
    if isinstance(error, urllib3.exceptions.SSLError):
        return msg("site certificate refused")
    return type(error).__name__
