"""Profiles and a reader's own data, as plain functions."""

import unicodedata
import zoneinfo
from collections.abc import Callable
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from newsdesk.models import Comment, CommentReport, Follow, ReaderProfile, SavedArticle

# The account that keeps anonymised comments of deleted readers (see newsdesk/web/accounts/__init__.py).
# Brackets and spaces are never in a username allauth derives from an email, nor allowed by Django's
# username validators, so no sign-up or admin form can make a reader with this name.
DELETED_READER_USERNAME = "[deleted reader]"
# The placeholder's name before that; "deleted-reader@…" signs up as it, so an account by this name
# counts only if it also has what sign-up never gives: no email, no usable password, inactive.
LEGACY_DELETED_READER_USERNAME = "deleted-reader"
DELETED_READER_NAME = "[deleted]"
DISPLAY_NAME_MAX = ReaderProfile._meta.get_field("display_name").max_length
# The regions of tzdata's place names ("Europe/Paris"). zoneinfo also lists aliases a reader
# should not have to choose among: UTC five more ways, "Etc/GMT+5" (which is UTC-5), old country
# and state names ("GB", "US/Eastern"), the server's "localtime" and tzdata's "Factory".
TIME_ZONE_REGIONS = frozenset(
    "Africa America Antarctica Arctic Asia Atlantic Australia Europe Indian Pacific".split()
)
UNKNOWN_TIME_ZONE = "That is not a time zone we know; choose one from the list."


def profile_of(user: AbstractBaseUser) -> ReaderProfile:
    """The reader's profile, created on first use (accounts made before profiles, or by the admin)."""
    try:
        return user.profile
    except ReaderProfile.DoesNotExist:
        profile, _ = ReaderProfile.objects.get_or_create(user=user)
        return profile


def display_name(user: AbstractBaseUser) -> str:
    """What other readers see: the chosen name, never the email address. Untrusted: escape it."""
    if is_deleted_reader(user):
        return DELETED_READER_NAME
    return _chosen_name(user) or f"Reader {user.pk}"


def moderator_name(user: AbstractBaseUser) -> str:
    """Who acted, for the moderators' own log: the chosen name, else the account's username (an
    operator made at the console has no display name; "Reader 1" would hide who it was)."""
    if is_deleted_reader(user):
        return DELETED_READER_NAME
    return _chosen_name(user) or user.get_username() or f"Reader {user.pk}"


def _chosen_name(user: AbstractBaseUser) -> str:
    try:
        return user.profile.display_name.strip()
    except ReaderProfile.DoesNotExist:
        return ""


def clean_display_name(raw: str) -> str:
    """Collapse whitespace and drop control characters; the result is still shown escaped.

    Refuses the deleted marker in any spacing, case or width, so no reader passes for an
    anonymised one (ValidationError)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    name = " ".join(printable.split())[:DISPLAY_NAME_MAX]
    if "".join(unicodedata.normalize("NFKC", name).casefold().split()) == DELETED_READER_NAME:
        raise ValidationError(f"“{DELETED_READER_NAME}” marks deleted accounts; choose another name.")
    return name


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a reader may choose, sorted: places by region; choosing none means UTC."""
    return tuple(
        sorted(name for name in zoneinfo.available_timezones() if name.split("/")[0] in TIME_ZONE_REGIONS)
    )


def clean_time_zone(raw: str) -> str:
    """A zone from `time_zone_names()`, or "" for UTC; anything else is refused (ValidationError)."""
    name = raw.strip()
    if name and name not in time_zone_names():
        raise ValidationError(UNKNOWN_TIME_ZONE, code="invalid_choice")
    return name


def reader_time_zone(user: AbstractBaseUser) -> zoneinfo.ZoneInfo | None:
    """The zone a signed-in reader chose; None (UTC) for anyone else, or for a zone this machine lacks."""
    if not user.is_authenticated:
        return None
    try:
        name = user.profile.time_zone
    except ReaderProfile.DoesNotExist:
        return None
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def is_deleted_reader(user: AbstractBaseUser) -> bool:
    username = getattr(user, "username", "")
    if username == DELETED_READER_USERNAME:
        return True
    return (
        username == LEGACY_DELETED_READER_USERNAME
        and not user.is_active
        and not user.email
        and not user.has_usable_password()
    )


def deleted_reader() -> AbstractBaseUser:
    """The placeholder; one made under the legacy name keeps serving, so every anonymised comment
    stays with one account."""
    users = get_user_model().objects
    legacy = users.filter(
        username=LEGACY_DELETED_READER_USERNAME,
        is_active=False,
        email="",
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    ).first()
    if legacy:
        return legacy
    user, _ = users.get_or_create(
        username=DELETED_READER_USERNAME, defaults={"is_active": False, "password": make_password(None)}
    )
    return user


def export_reader_data(user: AbstractBaseUser, absolute_url: Callable[[str], str]) -> dict:
    """Everything we hold about `user`, as JSON-ready data (the "download my data" file).

    `absolute_url` turns a path into a full address, so each comment and saved article says where
    it is in a way the reader can follow from the file."""
    profile = profile_of(user)
    emails = []
    if hasattr(user, "emailaddress_set"):
        emails = [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.all()
        ]
    comments = (
        Comment.objects.filter(author=user).select_related("article", "story").order_by("created_at", "pk")
    )
    return {
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": emails,
        },
        "profile": {
            "display_name": profile.display_name,
            "time_zone": profile.time_zone,
            "created_at": profile.created_at.isoformat(),
            "suspended_until": profile.suspended_until.isoformat() if profile.suspended_until else None,
        },
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article_id,
                "story": comment.story_id,
                "parent": comment.parent_id,
                "url": absolute_url(comment.get_absolute_url()),
                "body": comment.body,
                "state": comment.state,
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
                "ip_address": comment.ip_address,
            }
            for comment in comments
        ],
        "reports": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "details": report.details,
                "created_at": report.created_at.isoformat(),
            }
            for report in CommentReport.objects.filter(reporter=user).order_by("created_at")
        ],
        "follows": [
            {"kind": follow.kind, "value": follow.value, "created_at": follow.created_at.isoformat()}
            for follow in Follow.objects.filter(user=user).order_by("created_at")
        ],
        "saved_articles": [
            {
                "article": saved.article_id,
                "title": saved.article.title,
                "page": absolute_url(saved.article.get_absolute_url()),
                "url": saved.article.url,
                "created_at": saved.created_at.isoformat(),
            }
            for saved in SavedArticle.objects.filter(user=user).select_related("article")
        ],
    }
