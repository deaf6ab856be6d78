"""The rule for optional services in tests and benchmarks.

A test that needs Chromium, PostgreSQL, Redis or ../shared skips with a loud reason when it is
absent, except under CI=true, where absence is a failure.
"""

import os
import sys

import pytest


def require(condition: bool, what: str) -> None:
    """Skip loudly when `what` is missing; under CI=true a missing service fails the test."""
    if condition:
        return
    message = f"NOT TESTED: {what} is not available on this machine"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true requires it)")
    sys.stderr.write(f"\n*** {message} ***\n")
    pytest.skip(message)
