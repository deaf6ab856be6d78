"""Readers: profiles, comments and their moderation, follows and saved articles."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from newsdesk.models.articles import Article, Story


class ReaderProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=60, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    # A shadow-banned reader sees their own comments; nobody else does.
    shadow_banned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # An IANA name the reader chose (validated against this machine's zoneinfo when saved, not by
    # choices here: tzdata changes would mean a migration); empty shows times in UTC.
    time_zone = models.CharField(max_length=64, blank=True, default="")


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HELD = "held", "Held for review"
        HIDDEN = "hidden", "Hidden by moderation"
        DELETED = "deleted", "Deleted"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(help_text="as typed, plain text with light markup")
    body_html = models.TextField(help_text="rendered and sanitised")
    state = models.CharField(max_length=16, choices=State.choices, default=State.VISIBLE, db_index=True)
    report_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["article", "state", "created_at"], name="comment_article_thread"),
            models.Index(fields=["story", "state", "created_at"], name="comment_story_thread"),
        ]

    def __str__(self) -> str:
        # What the admin and the moderation log call it: its own words, not "Comment object (7)".
        return f"Comment {self.pk}: {Truncator(self.body).chars(60)}"

    @property
    def target(self):
        """The article or story page the comment is on."""
        return self.article if self.article_id else self.story

    def get_absolute_url(self) -> str:
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=32)
    details = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")]


class ModerationAction(models.Model):
    """The audit log: who did what to which comment or reader, and why."""

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]


class BannedWord(models.Model):
    word = models.CharField(max_length=100, unique=True)


class Follow(models.Model):
    class Kind(models.TextChoices):
        HASHTAG = "hashtag", "Hashtag"
        SOURCE = "source", "Source"
        CATEGORY = "category", "Category"
        STORY = "story", "Story"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Hashtag key, source slug, category slug or story id.
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="one_follow")]


class SavedArticle(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="one_save")]
