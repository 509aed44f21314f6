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
