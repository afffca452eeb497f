"""The canonical store: one DuckDB file, versioned migrations, and an Ibis layer for engines."""

from pophealth.warehouse.connection import connect, transaction
from pophealth.warehouse.migrate import apply_migrations, applied_migrations

__all__ = ["connect", "transaction", "apply_migrations", "applied_migrations"]
