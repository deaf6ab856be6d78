"""What the commands that use the site's tables share."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.text import Truncator

from newsdesk.models import Source

NOT_SET_UP = "the database is not set up (or not up to date): run `newsdesk migrate`"
# An error in a listing is cut to its first line and this many characters.
ERROR_CHARS = 100


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


def find_source(value: str) -> int:
    """The id of the source with this slug, or with this id (`--source ID_OR_SLUG`)."""
    found = Source.objects.filter(slug=value).values_list("id", flat=True).first()
    if found is None and value.isdigit():
        found = Source.objects.filter(id=int(value)).values_list("id", flat=True).first()
    if found is None:
        raise CommandError(f"no source with the slug or id {value!r} (see `newsdesk sources list`)")
    return found


def one_line(text: str) -> str:
    """Keeps each row of a listing on one line, however long its error."""
    lines = text.strip().splitlines()
    return Truncator(lines[0] if lines else "").chars(ERROR_CHARS)
