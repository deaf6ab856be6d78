"""What the commands that use the site's tables share."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

NOT_SET_UP = "the database is not set up (or not up to date): run `newsdesk migrate`"


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database lacks some of the tables or columns this version's code reads."""
    executor = MigrationExecutor(connections[alias])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class DatabaseCommand(BaseCommand):
    """A command that reads or writes the site's tables.

    On a database that was never migrated (a fresh NEWSDESK_VAR_DIR) or not since an upgrade, a
    query fails on a missing table or column: the operator gets one line saying what to run,
    not the database driver's traceback.
    """

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DatabaseError as error:
            if not _explained_by_migrations():
                raise
            raise CommandError(NOT_SET_UP) from error


def _explained_by_migrations() -> bool:
    try:
        return unapplied_migrations()
    except DatabaseError:  # the database itself is the trouble: its own error says more
        return False
