"""Alembic environment: migrations always run on a connection handed in by `bot.storage.db`.

`run_bot.py db upgrade` and the start-up upgrade both go through `Database.upgrade()`, which shares its
async engine's connection via `config.attributes["connection"]` (the Alembic asyncio cookbook pattern).
"""

from alembic import context

from bot.storage.models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `python run_bot.py db upgrade`")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
