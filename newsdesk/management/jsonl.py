"""What every JSON-lines command shares: input from a file or "-", and bad lines that never stop a run."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.core.management.base import CommandError


class BadLines:
    """Counts and reports skipped lines on stderr; the command fails at the end if any were."""

    def __init__(self, name: str, stderr: TextIO):
        self.name, self.stderr, self.count = name, stderr, 0

    def report(self, line_number: int, error: str) -> None:
        self.count += 1
        self.stderr.write(f"{self.name}:{line_number}: skipped: {error}")

    def fail_if_any(self) -> None:
        if self.count:
            raise CommandError(f"{self.count} bad lines skipped")


@contextmanager
def input_lines(name: str) -> Iterator[TextIO]:
    """The lines of file `name`, or of standard input for "-"."""
    if name == "-":
        yield sys.stdin
        return
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"no file at {path}")
    with path.open(encoding="utf-8") as lines:
        yield lines
