"""Turning "the database is not there / is busy" errors into :class:`StoreUnavailable`.

Only errors about reaching the database become ``StoreUnavailable``: a refused or
dropped connection, a locked SQLite file, a missing database, bad credentials. Errors
that mean a bug (bad SQL, a violated constraint) pass through unchanged.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from briefings.ports import StoreUnavailable
from storage.engine import describe_location, describe_url

try:  # asyncpg is only needed for PostgreSQL URLs
    import asyncpg.exceptions as _pg
except ImportError:  # pragma: no cover - asyncpg is a declared dependency
    _pg = None  # type: ignore[assignment]

_SQLITE_LOCKED = ("database is locked", "database table is locked", "database is busy")
_SQLITE_CANNOT_OPEN = ("unable to open database file",)
_SQLITE_READONLY = ("readonly database", "read-only")
_DISK = ("disk i/o error", "database or disk is full", "database disk image is malformed")


def _pg_connection_errors() -> tuple[type[BaseException], ...]:
    if _pg is None:  # pragma: no cover
        return ()
    return (
        _pg.PostgresConnectionError,
        _pg.CannotConnectNowError,
        _pg.TooManyConnectionsError,
        _pg.InvalidCatalogNameError,
        _pg.InvalidAuthorizationSpecificationError,
        _pg.InvalidPasswordError,
        _pg.AdminShutdownError,
        _pg.CrashShutdownError,
        _pg.InterfaceError,
    )


def unavailable_error(error: BaseException, url: str) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` that ``error`` means for ``url``, or ``None`` if it is
    not about reaching the database."""
    if isinstance(error, StoreUnavailable):
        return error
    backend = make_url(url).get_backend_name()
    where = describe_url(url)
    location = describe_location(url)
    original: BaseException = error
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        original = error.orig
        # asyncpg errors arrive wrapped twice: SQLAlchemy's adapter keeps the driver's own
        # exception as __cause__.
        if original.__cause__ is not None and _is_pg_error(original.__cause__):
            original = original.__cause__
    text = str(original).lower()

    if backend == "sqlite":
        if not isinstance(error, sa_exc.OperationalError | OSError):
            return None
        if any(marker in text for marker in _SQLITE_LOCKED):
            return StoreUnavailable(f"The database at {where} is locked by another process; try again in a moment.")
        if any(marker in text for marker in _SQLITE_CANNOT_OPEN):
            return StoreUnavailable(
                f"Cannot open the SQLite database {location}: check that its folder exists and "
                "that Briefbot may write there."
            )
        if any(marker in text for marker in _SQLITE_READONLY):
            return StoreUnavailable(f"The SQLite database {location} is read-only; Briefbot needs to write to it.")
        if any(marker in text for marker in _DISK):
            return StoreUnavailable(f"The SQLite database {location} cannot be used: {original}.")
        if isinstance(error, OSError):
            return StoreUnavailable(f"Cannot open the SQLite database {location}: {error}.")
        return None

    # PostgreSQL (or another server database)
    if isinstance(original, ConnectionRefusedError):
        return StoreUnavailable(f"Cannot reach PostgreSQL at {location}: connection refused.")
    if isinstance(original, socket.gaierror):
        return StoreUnavailable(f"Cannot reach PostgreSQL at {location}: unknown host name.")
    if isinstance(original, TimeoutError):
        return StoreUnavailable(f"Cannot reach PostgreSQL at {location}: the connection timed out.")
    if _pg is not None:
        if isinstance(original, _pg.InvalidCatalogNameError):
            database = make_url(url).database
            return StoreUnavailable(
                f"PostgreSQL at {location} has no database {database!r}; create it with "
                f"`createdb {database}` or fix the database URL."
            )
        if isinstance(original, _pg.InvalidPasswordError | _pg.InvalidAuthorizationSpecificationError):
            return StoreUnavailable(
                f"PostgreSQL at {location} refused the login for {where}: {original}. "
                "Check the user name and password in the database URL."
            )
        if isinstance(original, _pg.TooManyConnectionsError | _pg.CannotConnectNowError):
            return StoreUnavailable(
                f"PostgreSQL at {location} is not accepting connections right now ({original}); try again in a moment."
            )
        if isinstance(original, _pg_connection_errors()):
            return StoreUnavailable(f"Lost the connection to PostgreSQL at {location}: {original}.")
    if isinstance(original, OSError):
        reason = original.strerror or str(original)
        return StoreUnavailable(f"Cannot reach PostgreSQL at {location}: {reason}.")
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return StoreUnavailable(f"Lost the connection to PostgreSQL at {location}: {original}.")
    if isinstance(error, sa_exc.InterfaceError | sa_exc.OperationalError) and (
        "connection" in text or "closed" in text
    ):
        return StoreUnavailable(f"Lost the connection to PostgreSQL at {location}: {original}.")
    return None


def _is_pg_error(error: BaseException) -> bool:
    return _pg is not None and isinstance(error, _pg.PostgresError | _pg.InterfaceError)


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Re-raise errors about reaching the database at ``url`` as :class:`StoreUnavailable`."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        translated = unavailable_error(error, url)
        if translated is None:
            raise
        raise translated from error
