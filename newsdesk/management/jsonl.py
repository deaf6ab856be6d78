"""What every JSON-lines command shares: input from a file or "-", and bad lines that never stop a run."""

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.core.management.base import CommandError

# Where a reader reports a line it skips: (line number, why).
Report = Callable[[int, str], None]


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
def input_lines(name: str, bad: BadLines) -> Iterator[Iterable[str]]:
    """The lines of file `name`, or of standard input for "-", as text.

    Each line is decoded alone, so a line that is not UTF-8 is one bad line, reported, not the end
    of the run; it comes through empty (every reader skips blank lines), so the readers' line
    numbers still count it.
    """
    if name == "-":
        raw = getattr(sys.stdin, "buffer", None)
        yield sys.stdin if raw is None else decoded_lines(raw, bad.report)
        return
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"no file at {path}")
    with path.open("rb") as raw:
        yield decoded_lines(raw, bad.report)


def decoded_lines(raw: Iterable[bytes], report: Report) -> Iterator[str]:
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            report(number, f"not UTF-8 text (byte 0x{line[error.start]:02x} at column {error.start + 1})")
            yield ""


def json_objects(lines: Iterable[str], report: Report) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line holding a JSON object with an "id"; others are reported."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            report(number, f"not JSON ({error})")
            continue
        if not isinstance(item, dict) or "id" not in item:
            report(number, 'expected an object with an "id"')
            continue
        yield number, item
