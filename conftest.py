"""The rule for optional services (settings for tests: newsdesk/settings_test.py).

A test that needs Chromium, PostgreSQL, Redis or ../shared skips with a loud
reason when it is absent, except under CI=true, where absence is a failure.
"""

import os
import sys
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


def require(condition: bool, what: str) -> None:
    """Skip loudly when `what` is missing; under CI=true a missing service fails the test."""
    if condition:
        return
    message = f"NOT TESTED: {what} is not available on this machine"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true requires it)")
    sys.stderr.write(f"\n*** {message} ***\n")
    pytest.skip(message)


@pytest.fixture
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"shared data at {SHARED_DATA.name}")
    return SHARED_DATA
