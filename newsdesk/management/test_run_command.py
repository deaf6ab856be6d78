"""`newsdesk run` as an operator or a service manager drives it: started on a fresh site, stopped by
a signal, or unable to serve."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.management.testing import site_env

STARTUP_SECONDS = 120


def newsdesk(tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    env = site_env(tmp_path, NEWSDESK_LOAD_DEFAULT_SOURCES="0")
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", *args], env=env, text=True, stdout=subprocess.PIPE, **popen
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def servers_started_by(pid: int) -> list[int]:
    """The gunicorn processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid and b"gunicorn" in command:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_run_stops_the_web_server_too(tmp_path, stop_signal):
    """`kill <run>` (a service manager) or Ctrl-C on a fresh site: the database is set up first,
    and stopping `run` stops gunicorn with it rather than leaving it serving."""
    port = free_port()
    run = newsdesk(tmp_path, "run", "--port", str(port), stderr=subprocess.DEVNULL)
    server = None
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers(port):
            assert run.poll() is None, "run stopped before serving"
            assert time.monotonic() < deadline, "run never served"
            time.sleep(0.2)
        [server] = servers_started_by(run.pid)

        run.send_signal(stop_signal)

        assert run.wait(timeout=60) == 0
        assert not running(server) and not answers(port)
    finally:  # nothing left serving if this failed
        if run.poll() is None:
            run.kill()
        if server and running(server) and b"gunicorn" in Path(f"/proc/{server}/cmdline").read_bytes():
            os.kill(server, signal.SIGKILL)
    listing = newsdesk(tmp_path, "sources", "list", stderr=subprocess.PIPE)
    out, err = listing.communicate(timeout=60)
    assert listing.returncode == 0 and "no feeds yet" in out, err  # run migrated the database


def test_run_fails_when_its_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = newsdesk(tmp_path, "run", "--port", str(port), "--no-crawl", stderr=subprocess.PIPE)
        out, err = run.communicate(timeout=STARTUP_SECONDS)

    assert run.returncode == 1
    assert err.rstrip().splitlines()[-1].startswith("CommandError: the web server stopped with exit status 1")
    assert f"another program is using 127.0.0.1:{port}" in err
