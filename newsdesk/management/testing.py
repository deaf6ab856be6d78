"""For tests that run `python -m newsdesk` as a shell would, on a site of their own."""

import os
from pathlib import Path


def site_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """This environment without its newsdesk settings, and a private SQLite site in `var_dir`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DATABASE_URL"))}
    return {
        **inherited,
        "DATABASE_URL": f"sqlite:///{var_dir / 'site.sqlite3'}",
        "NEWSDESK_VAR_DIR": str(var_dir),
        **settings,
    }
