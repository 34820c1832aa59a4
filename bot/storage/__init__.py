"""Storage: SQLAlchemy models, the engine and sessions, small query functions, Alembic migrations."""
