"""Settings for the test suite: the defaults tests rely on, set before settings are read."""

import os

os.environ.setdefault("NEWSDESK_ALLOW_PRIVATE_NETWORKS", "1")
os.environ.setdefault("NEWSDESK_HOST_DELAY", "0")
os.environ.setdefault("NEWSDESK_LOAD_DEFAULT_SOURCES", "0")

from newsdesk.settings import *  # noqa: E402,F403
