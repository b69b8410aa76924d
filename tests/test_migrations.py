from sqlalchemy import Engine

from remiss.core.db import alembic_config
from remiss.core.models import Base


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_alembic_config_points_at_the_shipped_migrations() -> None:
    config = alembic_config("sqlite://")
    assert config.get_main_option("script_location", "").endswith("migrations")
