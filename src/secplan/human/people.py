"""People with access to the project's assets (HS-1, HS-2): role, assets, training, screening.

Stored minimally on purpose: a screening is a status, a date and a level, never what the check found.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import require
from secplan.errors import InputError
from secplan.human.audit import audit
from secplan.human.records import Person, Training
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store

SCREENING_STATUSES = ("not_started", "in_progress", "cleared", "adverse")
SCREENING_LEVELS = ("basic", "standard", "enhanced")


def _check(status: str | None, level: str | None) -> None:
    if status is not None and status not in SCREENING_STATUSES:
        raise InputError(f"--screening {status!r}: one of {', '.join(SCREENING_STATUSES)}")
    if level is not None and level not in SCREENING_LEVELS:
        raise InputError(f"--screening-level {level!r}: one of {', '.join(SCREENING_LEVELS)}")


def _get(session, project_id: str, name: str) -> Person:
    row = session.scalars(select(Person).where(Person.project_id == project_id, Person.name == name)).first()
    if row is None:
        raise InputError(f"no person named {name!r} (add them with `secplan people add {name}`)")
    return row


def add_person(store: Store, name: str, *, role: str = "", email: str | None = None,
               assets: list[str] | None = None, screening: str | None = None,
               screening_date: dt.date | None = None, screening_level: str | None = None) -> None:
    who = require(store, "write", f"person:{name}")
    _check(screening, screening_level)
    if not name.strip():
        raise InputError("a person needs a name")
    with store.session() as session:
        if session.scalars(select(Person).where(Person.project_id == who.project.id, Person.name == name)).first():
            raise InputError(f"person {name!r} already exists (use `secplan people update`)")
        session.add(Person(project_id=who.project.id, name=name, role=role, email=email, assets=sorted(set(assets or [])),
                           screening_status=screening or "not_started", screening_date=screening_date,
                           screening_level=screening_level))
    audit(store, "people.add", f"person:{name}", {"role": role, "screening": screening or "not_started"})


def update_person(store: Store, name: str, *, role: str | None = None, email: str | None = None,
                  add_assets: list[str] | None = None, remove_assets: list[str] | None = None,
                  screening: str | None = None, screening_date: dt.date | None = None,
                  screening_level: str | None = None) -> None:
    who = require(store, "write", f"person:{name}")
    _check(screening, screening_level)
    changed: dict[str, Any] = {}
    with store.session() as session:
        row = _get(session, who.project.id, name)
        if role is not None:
            row.role = changed["role"] = role
        if email is not None:
            row.email = email
            changed["email"] = "changed"
        if add_assets or remove_assets:
            assets = (set(row.assets) | set(add_assets or [])) - set(remove_assets or [])
            row.assets = changed["assets"] = sorted(assets)
        if screening is not None:
            row.screening_status = changed["screening"] = screening
        if screening_date is not None:
            row.screening_date = screening_date
            changed["screening_date"] = screening_date.isoformat()
        if screening_level is not None:
            row.screening_level = changed["screening_level"] = screening_level
        row.updated_at = utcnow()
    audit(store, "people.update", f"person:{name}", changed)


def add_training(store: Store, name: str, course: str, completed: dt.date, expires: dt.date | None) -> None:
    who = require(store, "write", f"person:{name}")
    if expires is not None and expires < completed:
        raise InputError(f"training {course!r}: expires {expires} is before completed {completed}")
    with store.session() as session:
        session.add(Training(person_id=_get(session, who.project.id, name).id, course=course, completed=completed,
                             expires=expires))
    audit(store, "people.training", f"person:{name}",
          {"course": course, "completed": completed.isoformat(),
           "expires": expires.isoformat() if expires else None})


def person_dict(person: Person, trainings: list[Training]) -> dict[str, Any]:
    return {
        "name": person.name, "role": person.role, "email": person.email, "assets": list(person.assets),
        "screening": {"status": person.screening_status,
                      "date": person.screening_date.isoformat() if person.screening_date else None,
                      "level": person.screening_level},
        "training": [{"course": t.course, "completed": t.completed.isoformat(),
                      "expires": t.expires.isoformat() if t.expires else None} for t in trainings],
    }


def all_people(store: Store, project_id: str) -> list[dict[str, Any]]:
    """Every person with their trainings (no permission check: for collectors and callers that checked)."""
    with store.session() as session:
        people = session.scalars(select(Person).where(Person.project_id == project_id).order_by(Person.name)).all()
        trainings = session.scalars(select(Training).join(Person, Person.id == Training.person_id)
                                    .where(Person.project_id == project_id).order_by(Training.completed)).all()
    by_person: dict[int, list[Training]] = {}
    for t in trainings:
        by_person.setdefault(t.person_id, []).append(t)
    return [person_dict(p, by_person.get(p.id, [])) for p in people]


def list_people(store: Store) -> list[dict[str, Any]]:
    who = require(store, "read", "person")
    return all_people(store, who.project.id)


def show_person(store: Store, name: str) -> dict[str, Any]:
    who = require(store, "read", f"person:{name}")
    for person in all_people(store, who.project.id):
        if person["name"] == name:
            return person
    raise InputError(f"no person named {name!r}")
