import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsdesk.management.arguments import positive


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "newsdesk.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--timeout",
        "60",
    ]


class Command(BaseCommand):
    help = "Serve the web site (gunicorn) on HOST:PORT."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=positive, default=2)

    def handle(self, *args, host: str, port: int, workers: int, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        os.execv(sys.executable, gunicorn_argv(host, port, workers))
