"""A real Redis for tests: NEWSDESK_TEST_REDIS_URL when CI provides one, else a private redis-server.

The private server listens on a free loopback port, keeps nothing on disk and stops
when the context ends; a database given by CI is emptied first.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

START_TIMEOUT_SECONDS = 10.0


def redis_available() -> bool:
    return bool(os.environ.get("NEWSDESK_TEST_REDIS_URL")) or shutil.which("redis-server") is not None


@contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of an empty Redis database."""
    given = os.environ.get("NEWSDESK_TEST_REDIS_URL")
    if given:
        redis.Redis.from_url(given).flushdb()
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-redis-") as directory:
        port = free_port()
        process = subprocess.Popen(
            [
                "redis-server",
                "--bind", "127.0.0.1",
                "--port", str(port),
                "--save", "",
                "--appendonly", "no",
                "--dir", directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on {url}") from None
            time.sleep(0.05)
