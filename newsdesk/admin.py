"""Django's admin autodiscovery looks here; the admin itself lives with the rest of the web side."""

from newsdesk.web import admin  # noqa: F401
