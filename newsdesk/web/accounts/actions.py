"""Changes to a reader's account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.signals import post_save

from newsdesk.models import Comment, ModerationAction
from newsdesk.store.generations import bump_on_commit
from newsdesk.web.accounts.lib import (
    clean_display_name,
    clean_time_zone,
    deleted_reader,
    is_deleted_reader,
    profile_of,
)


def set_display_name(user: AbstractBaseUser, raw_name: str) -> str:
    profile = profile_of(user)
    profile.display_name = clean_display_name(raw_name)
    profile.save(update_fields=["display_name"])
    # Their name is on every page they commented on.
    bump_on_commit(_commented_article_ids(user))
    return profile.display_name


def set_time_zone(user: AbstractBaseUser, raw_zone: str) -> str:
    """The zone the reader's own pages show times in ("" = UTC; an unknown one: ValidationError).
    Only pages a signed-in reader sees use it, and those are never cached: nothing to invalidate."""
    profile = profile_of(user)
    profile.time_zone = clean_time_zone(raw_zone)
    profile.save(update_fields=["time_zone"])
    return profile.time_zone


@transaction.atomic
def delete_account(user: AbstractBaseUser) -> None:
    """Delete `user`; their comments are anonymised in place (why: newsdesk/web/accounts/__init__.py)."""
    if is_deleted_reader(user):
        # Deleting it would cascade to every anonymised comment, and the replies under them.
        raise ValueError("the placeholder holding deleted readers' comments cannot be deleted")
    article_ids = _commented_article_ids(user)
    placeholder = deleted_reader()
    Comment.objects.filter(author=user).update(
        author=placeholder, body="", body_html="", ip_address=None, state=Comment.State.DELETED
    )
    # The audit log outlives its moderators.
    ModerationAction.objects.filter(moderator=user).update(moderator=placeholder)
    user.delete()
    bump_on_commit(article_ids)


def _commented_article_ids(user: AbstractBaseUser) -> list[str]:
    return list(
        Comment.objects.filter(author=user, article__isnull=False)
        .values_list("article_id", flat=True)
        .distinct()
    )


def verify_operator_email(sender, instance: AbstractBaseUser, created: bool, **kwargs) -> None:
    """A superuser made at the console (`newsdesk createsuperuser`) or in the admin gets its email
    as verified: whoever runs the site typed it, and sign-in on the reader side requires it."""
    from allauth.account.models import EmailAddress

    if not (created and instance.is_superuser and instance.email):
        return
    # allauth looks addresses up lower-cased ("OP2@Example.org" typed at the console never matched).
    email = instance.email.lower()
    if not EmailAddress.objects.filter(email__iexact=email).exists():
        EmailAddress.objects.create(user=instance, email=email, verified=True, primary=True)


def connect_operator_email_verification() -> None:
    post_save.connect(verify_operator_email, sender=get_user_model(), dispatch_uid="verify_operator_email")
