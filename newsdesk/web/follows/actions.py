"""Following and saving. Nothing here shows on cached pages, so no page cache is invalidated."""

from django.contrib.auth.models import AbstractBaseUser

from newsdesk.models import Article, Follow, SavedArticle


def follow(user: AbstractBaseUser, kind: str, value: str) -> Follow:
    found, _ = Follow.objects.get_or_create(user=user, kind=kind, value=value)
    return found


def unfollow(user: AbstractBaseUser, kind: str, value: str) -> None:
    Follow.objects.filter(user=user, kind=kind, value=value).delete()


def save_article(user: AbstractBaseUser, article: Article) -> SavedArticle:
    saved, _ = SavedArticle.objects.get_or_create(user=user, article=article)
    return saved


def unsave_article(user: AbstractBaseUser, article: Article) -> None:
    SavedArticle.objects.filter(user=user, article=article).delete()
