"""The `newsdesk` command: Django's management commands plus newsdesk's own."""

import os
import sys

# What a shell reports for a command killed by SIGPIPE (128 + 13), as `head` leaves GNU tools.
BROKEN_PIPE_STATUS = 141


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["newsdesk", *(sys.argv[1:] if argv is None else argv)])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`newsdesk sources list | head`) has gone: stop quietly, not with a traceback.
        # Python flushes stdout again at exit, so point it at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(BROKEN_PIPE_STATUS)


if __name__ == "__main__":
    main()
