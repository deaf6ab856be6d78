"""Django for the bench's own process: settings only, on a throwaway in-memory database.

Each measurement that needs a particular database runs in a child process with its own
DATABASE_URL (settings are read once per process), see `child_env`.
"""

import os
from pathlib import Path


def setup_scratch_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    os.environ.setdefault("NEWSDESK_LOAD_DEFAULT_SOURCES", "0")
    import django

    django.setup()


def child_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child measuring against `database_url`: loopback crawling allowed, no delay."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        DATABASE_URL=database_url,
        NEWSDESK_VAR_DIR=str(var_dir),
        NEWSDESK_LOAD_DEFAULT_SOURCES="0",
        NEWSDESK_ALLOW_PRIVATE_NETWORKS="1",
        NEWSDESK_HOST_DELAY="0",
        NEWSDESK_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env
