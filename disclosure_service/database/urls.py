"""Small helpers for PostgreSQL connection URLs."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, connecting as another role."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def with_database(url: str, database: str) -> str:
    """The same server and role, another database."""
    return urlunsplit(urlsplit(url)._replace(path="/" + quote(database, safe="")))


def user_of(url: str) -> str:
    """The role a URL connects as (PostgreSQL's default, the OS user, is not assumed)."""
    user = unquote(urlsplit(url).username or "")
    if not user:
        raise ValueError("the database URL must name a user")
    return user


def password_of(url: str) -> str | None:
    password = urlsplit(url).password
    return None if password is None else unquote(password)


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or user_of(url)


def redact(url: str) -> str:
    """A URL safe to print: the password replaced, socket paths kept."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
