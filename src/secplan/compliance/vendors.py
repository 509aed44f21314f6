"""The vendor register (CS-6): who receives what data, under which agreement, reviewed when."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import require
from secplan.compliance.records import Vendor
from secplan.errors import InputError
from secplan.human.audit import audit
from secplan.store.base import utcnow
from secplan.vocabulary import Classification

if TYPE_CHECKING:
    from secplan.store.db import Store

RISK_TIERS = ("low", "medium", "high", "critical")


def parse_data(items: list[str]) -> list[dict[str, str]]:
    """``WHAT=CLASSIFICATION`` pairs (``customer records=restricted``)."""
    out = []
    for item in items:
        what, sep, level = item.rpartition("=")
        if not sep or not what.strip():
            raise InputError(f"--data {item!r}: write WHAT=CLASSIFICATION (for example 'transactions=restricted')")
        try:
            out.append({"what": what.strip(), "classification": Classification(level.strip()).value})
        except ValueError:
            raise InputError(f"--data {item!r}: classification must be one of "
                             f"{', '.join(c.value for c in Classification)}") from None
    return out


def parse_certifications(items: list[str]) -> list[dict[str, str]]:
    """``NAME=YYYY-MM-DD`` pairs (``SOC 2=2027-01-31``): the certificate and its expiry."""
    out = []
    for item in items:
        name, sep, date = item.rpartition("=")
        try:
            expires = dt.date.fromisoformat(date.strip())
        except ValueError:
            expires = None
        if not sep or not name.strip() or expires is None:
            raise InputError(f"--certification {item!r}: write NAME=YYYY-MM-DD (for example 'ISO/IEC 27001=2027-03-01')")
        out.append({"name": name.strip(), "expires": expires.isoformat()})
    return out


def _check_tier(tier: str | None) -> None:
    if tier is not None and tier not in RISK_TIERS:
        raise InputError(f"--risk-tier {tier!r}: one of {', '.join(RISK_TIERS)}")


def add_vendor(store: Store, name: str, *, service: str = "", data: list[str] | None = None,
               risk_tier: str = "medium", agreement_ref: str | None = None,
               agreement_signed: dt.date | None = None, agreement_expires: dt.date | None = None,
               certifications: list[str] | None = None, last_review: dt.date | None = None) -> None:
    who = require(store, "write", f"vendor:{name}")
    _check_tier(risk_tier)
    shared, certs = parse_data(data or []), parse_certifications(certifications or [])
    with store.session() as session:
        if session.scalars(select(Vendor).where(Vendor.project_id == who.project.id, Vendor.name == name)).first():
            raise InputError(f"vendor {name!r} already exists (use `secplan vendors update`)")
        session.add(Vendor(project_id=who.project.id, name=name, service=service, data=shared, risk_tier=risk_tier,
                           agreement_ref=agreement_ref, agreement_signed=agreement_signed,
                           agreement_expires=agreement_expires, certifications=certs, last_review=last_review))
    audit(store, "vendors.add", f"vendor:{name}", {"risk_tier": risk_tier, "data": shared})


def update_vendor(store: Store, name: str, *, service: str | None = None, data: list[str] | None = None,
                  risk_tier: str | None = None, agreement_ref: str | None = None,
                  agreement_signed: dt.date | None = None, agreement_expires: dt.date | None = None,
                  certifications: list[str] | None = None, last_review: dt.date | None = None) -> None:
    """Replace the given fields; certifications given replace (by name) those stored."""
    who = require(store, "write", f"vendor:{name}")
    _check_tier(risk_tier)
    changed: dict[str, Any] = {}
    with store.session() as session:
        row = session.scalars(select(Vendor).where(Vendor.project_id == who.project.id, Vendor.name == name)).first()
        if row is None:
            raise InputError(f"no vendor named {name!r}")
        for field, value in (("service", service), ("risk_tier", risk_tier), ("agreement_ref", agreement_ref),
                             ("agreement_signed", agreement_signed), ("agreement_expires", agreement_expires),
                             ("last_review", last_review)):
            if value is not None:
                setattr(row, field, value)
                changed[field] = str(value)
        if data:
            row.data = changed["data"] = parse_data(data)
        if certifications:
            new = {c["name"]: c for c in parse_certifications(certifications)}
            kept = [c for c in row.certifications if c["name"] not in new]
            row.certifications = changed["certifications"] = kept + list(new.values())
        row.updated_at = utcnow()
    audit(store, "vendors.update", f"vendor:{name}", changed)


def vendor_dict(v: Vendor) -> dict[str, Any]:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {"name": v.name, "service": v.service, "data": list(v.data), "risk_tier": v.risk_tier,
            "agreement": {"ref": v.agreement_ref, "signed": iso(v.agreement_signed),
                          "expires": iso(v.agreement_expires)},
            "certifications": list(v.certifications), "last_review": iso(v.last_review)}


def all_vendors(store: Store, project_id: str) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(Vendor).where(Vendor.project_id == project_id).order_by(Vendor.name))
        return [vendor_dict(v) for v in rows]


def list_vendors(store: Store) -> list[dict[str, Any]]:
    who = require(store, "read", "vendor")
    return all_vendors(store, who.project.id)


def show_vendor(store: Store, name: str) -> dict[str, Any]:
    who = require(store, "read", f"vendor:{name}")
    for vendor in all_vendors(store, who.project.id):
        if vendor["name"] == name:
            return vendor
    raise InputError(f"no vendor named {name!r}")
