"""Login throttling: failed logins are counted per account and per client
address in Redis (moving windows of the `limits` library); past either limit
the login form refuses, even the right password, until the window has passed.
A successful login clears its account's count, not its address's (else one
valid account would reset an attacker's address)."""
from __future__ import annotations

import hashlib
import time
from typing import Any, Optional

import limits
from flask import request
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

__all__ = ["check_options", "record_failure", "forget_failures", "seconds_blocked"]

ACCOUNT_OPTION = "ckanext.opendatalocale.security.login_failures_per_account"
ADDRESS_OPTION = "ckanext.opendatalocale.security.login_failures_per_address"


def check_options() -> None:
    """Fail at startup, not at the first login, on a limit `limits` cannot read."""
    for option in (ACCOUNT_OPTION, ADDRESS_OPTION):
        try:
            limits.parse(tk.config[option])
        except ValueError as error:
            raise ValueError(f"{option}: {error}") from error


def seconds_blocked(login: str) -> Optional[int]:
    """Seconds until this login may be tried again, None if it may now."""
    limiter = _limiter()
    waits = [limiter.get_window_stats(limit, *key).reset_time - time.time()
             for limit, key in _counters(login) if not limiter.test(limit, *key)]
    return max(1, int(max(waits)) + 1) if waits else None


def record_failure(login: Any, **kwargs: Any) -> None:
    """Receiver of CKAN's ``failed_login`` signal (sent with the login tried)."""
    limiter = _limiter()
    for limit, key in _counters(str(login or "")):
        limiter.hit(limit, *key)


def forget_failures(user: model.User) -> None:
    limit, key = _account_counter(user.id)
    _limiter().clear(limit, *key)


def _counters(login: str) -> list[tuple[limits.RateLimitItem, tuple[str, str]]]:
    address = request.remote_addr or "unknown"
    return [_account_counter(_account(login)),
            (limits.parse(tk.config[ADDRESS_OPTION]), ("address", address))]


def _account_counter(account: str) -> tuple[limits.RateLimitItem, tuple[str, str]]:
    return limits.parse(tk.config[ACCOUNT_OPTION]), ("account", account)


def _account(login: str) -> str:
    """One count per account, whether tried by name or by e-mail; logins of
    no account are hashed (a key of bounded size, whatever was sent)."""
    login = login.strip()
    # PostgreSQL refuses NUL in a query, and no account name holds one
    named = login and "\x00" not in login
    user = (model.User.by_name(login) or model.User.by_email(login)) if named else None
    if user:
        return user.id
    return "unknown-" + hashlib.sha256(login.lower().encode()).hexdigest()


def _limiter() -> MovingWindowRateLimiter:
    # CKAN's own Redis connection pool (ckan.redis.url)
    storage = RedisStorage("redis://", connection_pool=connect_to_redis().connection_pool,
                           key_prefix=f"{tk.config['ckan.site_id']}:login-failures")
    return MovingWindowRateLimiter(storage)
