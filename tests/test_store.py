from sqlalchemy import text

from secplan.store.db import Store


def test_store_migrates_to_all_heads(store: Store) -> None:
    with store.session() as session:
        versions = {row[0] for row in session.execute(text("SELECT version_num FROM alembic_version"))}
    assert versions, "alembic_version is empty after migration"
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "secplan.store:migrations")
    assert versions == set(ScriptDirectory.from_config(cfg).get_heads())


def test_second_open_does_not_remigrate(store: Store, project_dir) -> None:
    again = Store.for_project(project_dir)
    with again.session() as session:
        assert session.execute(text("SELECT count(*) FROM assessments")).scalar() == 0
    again.dispose()


def test_times_come_back_as_aware_utc_on_every_database(store: Store) -> None:
    # SQLite keeps no zone; PostgreSQL answers in the session's zone. Both must give the same aware UTC
    # moment back, so documents show RFC 3339 times with their zone.
    import datetime as dt

    from sqlalchemy import select

    from secplan.platform.records import VulnerabilityRecord

    paris = dt.timezone(dt.timedelta(hours=1))
    moment = dt.datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=paris)
    with store.session() as session:
        session.add(VulnerabilityRecord(project_id="p", advisory="GHSA-1", package="numpy", version="1.0",
                                        severity="high", path="requirements.txt", first_seen=moment,
                                        last_seen=dt.datetime(2026, 3, 2, 8, 0)))
    with store.session() as session:
        row = session.scalars(select(VulnerabilityRecord)).one()
    assert row.first_seen == moment and row.first_seen.utcoffset() == dt.timedelta(0)
    assert row.first_seen.isoformat() == "2026-03-01T11:30:15.250000+00:00"
    assert row.last_seen == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # a naive value is taken as UTC
