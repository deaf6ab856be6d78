"""Servers for the load measurements: the product under gunicorn, the shipped nginx page cache
in front of it, and a private nginx serving files as the yardstick.

Everything listens on 127.0.0.1 on a free port and lives in a temporary directory;
nothing needs root paths.
"""

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.stats import WrkResult, parse_wrk

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOY_NGINX = PROJECT_DIR / "deploy" / "nginx"
# The shipped zone file's cache directory, moved into the private directory.
SHIPPED_CACHE_PATH = "/var/cache/nginx/newsdesk"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

NGINX_CONF = """
worker_processes 2;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    default_type text/html;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    {server}
}}
"""
STATIC_SERVER = """
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        index index.html;
    }}
"""
# deploy/nginx/newsdesk.conf's `location /`, with its snippets read from deploy/nginx/.
PAGE_CACHE_SERVER = """
    include {dir}/newsdesk-page-cache-zone.conf;
    upstream newsdesk_web {{
        server {upstream} fail_timeout=0;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://newsdesk_web;
            include {deploy}/newsdesk-proxy.conf;
            include {deploy}/newsdesk-page-cache.conf;
        }}
    }}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before serving {url}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2):
    """The site as `newsdesk serve` runs it (same gunicorn argv); yields its base URL."""
    from newsdesk.management.commands.serve import gunicorn_argv

    port = free_port()
    argv = gunicorn_argv("127.0.0.1", port, workers)
    argv[0] = sys.executable
    process = subprocess.Popen(
        argv, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base + "/en/", process, timeout=120)
        except RuntimeError as error:
            stop(process)
            log = process.stderr.read()[-3000:] if process.stderr else ""
            raise RuntimeError("gunicorn did not start:\n" + log) from error
        yield base
    finally:
        stop(process)


@contextmanager
def nginx(directory: Path, pages: dict[str, bytes]):
    """A private nginx serving `pages` ({url path ending in /: html}) from disk; yields its base URL."""
    www = directory / "www"
    for path, body in pages.items():
        target = www / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    # nginx's workers drop root; they must be able to read the files (`directory`'s parents too).
    for folder in [directory, *[p for p in directory.rglob("*") if p.is_dir()]]:
        folder.chmod(0o755)
    for page in www.rglob("*.html"):
        page.chmod(0o644)
    with _run_nginx(directory, STATIC_SERVER, probe=next(iter(pages))) as base:
        yield base


@contextmanager
def page_cache_nginx(directory: Path, upstream: str, probe: str = "/"):
    """nginx with the shipped micro-cache rules (deploy/nginx/) in front of `upstream` (host:port)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    zone = (DEPLOY_NGINX / "newsdesk-page-cache-zone.conf").read_text()
    if SHIPPED_CACHE_PATH not in zone:
        raise RuntimeError(
            f"{SHIPPED_CACHE_PATH} no longer in newsdesk-page-cache-zone.conf: update bench/serve.py"
        )
    (directory / "newsdesk-page-cache-zone.conf").write_text(
        zone.replace(SHIPPED_CACHE_PATH, str(directory / "page-cache"))
    )
    server = PAGE_CACHE_SERVER.replace("{upstream}", upstream).replace("{deploy}", str(DEPLOY_NGINX))
    with _run_nginx(directory, server, probe=probe) as base:
        yield base


@contextmanager
def _run_nginx(directory: Path, server: str, *, probe: str):
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, server=server.format(dir=directory, port=port)))
    process = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base + probe, process)
        except RuntimeError as error:
            stop(process)
            raise RuntimeError(
                "nginx did not start:\n" + (process.stderr.read()[-3000:] if process.stderr else "")
            ) from error
        yield base
    finally:
        stop(process)


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
    timeout: int = 10,
    script: Path | None = None,
) -> WrkResult:
    argv = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "--latency"]
    if script is not None:
        argv += ["-s", str(script)]
    finished = subprocess.run([*argv, url], capture_output=True, text=True, timeout=seconds + timeout + 60)
    return parse_wrk(finished.stdout)
