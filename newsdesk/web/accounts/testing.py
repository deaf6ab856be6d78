"""Readers for tests: accounts whose email is verified, as allauth requires to log in."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from newsdesk.models import ReaderProfile

PASSWORD = "correct horse battery staple 42"


def make_reader(
    email: str, display_name: str = "", *, staff: bool = False, joined_days_ago: float = 30
) -> AbstractUser:
    """A reader who signed up `joined_days_ago` days ago (new accounts have links held)."""
    joined = timezone.now() - timedelta(days=joined_days_ago)
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, is_staff=staff, date_joined=joined
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    ReaderProfile.objects.create(user=user, display_name=display_name, created_at=joined)
    return user
