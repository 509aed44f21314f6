"""Store tables of the access layer: accounts, custom roles, role grants and API tokens.

Tokens are kept as Argon2 hashes only; the clear token is shown once and never stored. The table
names keep their ``gov_`` prefix from when these lived with the governance engine (no data moves).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, utcnow


class User(Base):
    """An account that roles are granted to; disabling keeps its history and stops its access."""

    __tablename__ = "gov_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CustomRole(Base):
    """A role defined by the organisation: a name and (asset kind, action) permissions."""

    __tablename__ = "gov_roles"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    permissions: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Grant(Base):
    """User ``user`` holds role ``role`` in project ``project_id``."""

    __tablename__ = "gov_grants"
    __table_args__ = (UniqueConstraint("user_name", "role", "project_id", name="uq_gov_grants_user_role_project"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Token(Base):
    """An API token of one user in one project: its hash, roles, scope, expiry and revocation."""

    __tablename__ = "gov_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    """Public part of the token (``spt_<token_id>_<secret>``), used to find the hash."""
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    roles: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    """Roles the token may use (a subset of the user's); null = all the user's roles."""
    scope: Mapped[str] = mapped_column(String(16), default="write")
    """``read``, ``write`` or ``admin``: the most the token may do, whatever its roles allow."""
    secret_hash: Mapped[str] = mapped_column(String(400))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    all_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    """True: the token acts in any project of the store, with its user's roles there (the portfolio
    of a control-plane server); False: only in ``project_id``."""
