from django.conf import settings
from django.http import HttpRequest

from newsdesk.models import Category


def site(request: HttpRequest) -> dict:
    """Site name and the category menu, shown on every page."""
    return {"site_name": settings.SITE_NAME, "nav_categories": Category.choices}
