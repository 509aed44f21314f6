"""One project identity: checkouts of one project share records, projects that share a folder name do not,
and rows keyed the old ways (domain, plan name, absolute path) move to the project's id."""

from __future__ import annotations

import datetime as dt
import uuid
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from secplan.cli.app import app
from secplan.compliance import vendors
from secplan.errors import InputError
from secplan.plan.loader import load_plan
from secplan.projects import ProjectNotice, folder_project, project_of
from secplan.store.db import Store, _alembic_config


def checkout(parent: Path, folder: str, name: str, project_id: str | None) -> Path:
    root = parent / folder
    root.mkdir(parents=True)
    id_line = f"  id: {project_id}\n" if project_id else ""
    (root / "secplan.yaml").write_text(f"version: 1\nproject:\n{id_line}  name: {name}\n")
    return root


def open_store(root: Path) -> Store:
    return Store.for_project(root)


@pytest.fixture
def shared(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """One store (a SQLite file outside any checkout, or a PostgreSQL database) for several checkouts,
    with the team's one ledger key, as a team sets it up."""
    monkeypatch.setenv("SECPLAN_DATABASE_URL", db_url)
    (tmp_path / "team-ledger").mkdir(mode=0o700)
    monkeypatch.setenv("SECPLAN_LEDGER_KEY", str(tmp_path / "team-ledger" / "signing.key"))
    return db_url


def test_two_checkouts_of_one_project_see_the_same_records(shared, tmp_path: Path) -> None:
    pid = str(uuid.uuid4())
    mine = checkout(tmp_path / "laptop", "fraud-model", "fraud", pid)
    ci = checkout(tmp_path / "ci-runner" / "build-1234", "src", "fraud", pid)
    first, second = open_store(mine), open_store(ci)
    try:
        vendors.add_vendor(first, "labeller-inc")
        assert project_of(first) == project_of(second) and project_of(first).id == pid
        assert [v["name"] for v in vendors.list_vendors(second)] == ["labeller-inc"]
    finally:
        first.dispose()
        second.dispose()


def test_two_projects_with_the_same_folder_name_see_different_records(shared, tmp_path: Path) -> None:
    one = checkout(tmp_path / "team-a", "model", "team-a-model", str(uuid.uuid4()))
    two = checkout(tmp_path / "team-b", "model", "team-b-model", str(uuid.uuid4()))
    a, b = open_store(one), open_store(two)
    try:
        vendors.add_vendor(a, "only-for-a")
        assert project_of(a).id != project_of(b).id
        assert vendors.list_vendors(b) == []
        vendors.add_vendor(b, "only-for-a")  # names are unique per project, not per store
        assert len(vendors.list_vendors(a)) == len(vendors.list_vendors(b)) == 1
    finally:
        a.dispose()
        b.dispose()


def test_one_name_for_two_ids_is_refused_with_the_fix(shared, tmp_path: Path) -> None:
    first_id = str(uuid.uuid4())
    a = open_store(checkout(tmp_path / "a", "model", "model", first_id))
    b = open_store(checkout(tmp_path / "b", "model", "model", str(uuid.uuid4())))
    try:
        project_of(a)
        with pytest.raises(InputError, match="already has a project named 'model'") as info:
            project_of(b)
        assert first_id in info.value.hint
    finally:
        a.dispose()
        b.dispose()


def test_plan_without_id_resolves_by_name_and_says_what_to_add(shared, tmp_path: Path) -> None:
    a = open_store(checkout(tmp_path / "a", "x", "legacy", None))
    b = open_store(checkout(tmp_path / "b", "y", "legacy", None))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            first = project_of(a)
            second = project_of(b)
        assert first == second
        notices = [str(w.message) for w in caught if issubclass(w.category, ProjectNotice)]
        assert notices and f"add `id: {first.id}` under `project:`" in notices[0]
    finally:
        a.dispose()
        b.dispose()


def test_records_made_before_init_stay_with_the_project(shared, tmp_path: Path) -> None:
    root = tmp_path / "early"
    root.mkdir()
    store = open_store(root)
    try:
        vendors.add_vendor(store, "before-init")
        assert project_of(store) == folder_project(root)
        (root / "secplan.yaml").write_text(f"version: 1\nproject:\n  id: {uuid.uuid4()}\n  name: early\n")
        assert project_of(store).name == "early"
        assert [v["name"] for v in vendors.list_vendors(store)] == ["before-init"]
    finally:
        store.dispose()


def test_init_writes_an_id_and_force_keeps_it(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    first = load_plan(tmp_path / "secplan.yaml").project.id
    assert first is not None and str(uuid.UUID(first)) == first
    result = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert load_plan(tmp_path / "secplan.yaml").project.id == first


def test_a_bad_id_in_the_plan_names_the_field(tmp_path: Path) -> None:
    checkout(tmp_path, "p", "p", "not-a-uuid")
    result = CliRunner().invoke(app, ["plan", "check", str(tmp_path / "p")])
    assert result.exit_code == 2 and "project.id" in result.output and "not a UUID" in result.output


# -- the migration ------------------------------------------------------------------------------------

PRE_IDENTITY = ("gov_0002", "registry_0001", "platform_0001", "protection_0001", "ledger_0001",
                "data_privacy_0001")


def _legacy_store(url: str, home: Path, *, private: bool) -> Store:
    from alembic import command

    store = Store(url, home, migrate=False, private=private)
    config = _alembic_config(url)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        for revision in PRE_IDENTITY:
            command.upgrade(config, revision)
    return store


def _insert(store: Store, table: str, **values) -> None:
    """A row with every required column filled (the old schema, read from the database)."""
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=store.engine)
    row = {}
    for column in t.columns:
        if column.name in values or column.nullable or (column.primary_key and column.autoincrement):
            continue
        kind = column.type.python_type
        row[column.name] = {str: "x", int: 1, float: 1.0, bool: False, bytes: b"x", dt.date: dt.date(2030, 1, 1),
                            dt.datetime: dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}.get(kind, [])  # JSON
    row.update(values)
    with store.engine.begin() as conn:
        conn.execute(t.insert().values(**row))


def _seed(store: Store, *, name: str, path: Path) -> None:
    _insert(store, "gov_vendors", domain=name, name="v1")
    _insert(store, "assessments", project=name)
    _insert(store, "platform_vulnerabilities", project=f"plan:{name}", package="p", advisory="A-1")
    _insert(store, "shares", id=str(uuid.uuid4()), project=str(path))
    _insert(store, "registry_model_versions", project=name, name="m", version="1")


def _project_ids(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return {v for table in ("gov_vendors", "assessments", "platform_vulnerabilities", "shares",
                                "registry_model_versions")
                for (v,) in conn.execute(sa.text(f"SELECT project_id FROM {table}"))}


def test_migration_moves_a_projects_own_store_to_its_plan_id(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    pid = str(uuid.uuid4())
    root = checkout(tmp_path, "proj", "proj", pid)
    home = root / ".secplan"
    home.mkdir(mode=0o700)
    legacy = _legacy_store(f"sqlite:///{home / 'secplan.db'}", home, private=True)
    _seed(legacy, name="proj", path=tmp_path / "elsewhere" / "proj")  # even a path from another machine
    legacy.dispose()
    store = open_store(root)
    try:
        assert _project_ids(store) == {pid}
        assert project_of(store).id == pid and [v["name"] for v in vendors.list_vendors(store)] == ["v1"]
    finally:
        store.dispose()


def test_migration_on_a_shared_store_joins_a_project_named_three_ways(pg_url: str, tmp_path: Path,
                                                                      monkeypatch) -> None:
    root = checkout(tmp_path, "fraud-checkout", "fraud", None)
    legacy = _legacy_store(pg_url, tmp_path / "state", private=False)
    _seed(legacy, name="fraud", path=root)
    _insert(legacy, "gov_vendors", domain="other", name="v1")
    legacy.dispose()
    monkeypatch.setenv("SECPLAN_DATABASE_URL", pg_url)
    store = open_store(root)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProjectNotice)
            project = project_of(store)
        assert project.name == "fraud"
        assert project.id in _project_ids(store) and len(_project_ids(store)) == 2  # fraud's and other's
        assert [v["name"] for v in vendors.list_vendors(store)] == ["v1"]
        with store.engine.connect() as conn:
            names = sorted(n for (n,) in conn.execute(sa.text("SELECT name FROM projects")))
        assert names == ["fraud", "other"]
    finally:
        store.dispose()
