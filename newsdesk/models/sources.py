"""Publishers, their feeds, and the health an operator needs to see."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DisplayPolicy(models.TextChoices):
    SITE_DEFAULT = "", "Site default"
    FULL = "full", "Full text"
    EXCERPT = "excerpt", "Excerpt and link to the publisher"


class Source(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    homepage_url = models.URLField(max_length=2000, blank=True)
    display_policy = models.CharField(
        max_length=16, choices=DisplayPolicy.choices, default=DisplayPolicy.SITE_DEFAULT, blank=True
    )
    is_active = models.BooleanField(default=True)
    # Summaries cost compute; the operator chooses the sources worth precomputing at ingest.
    precompute_summaries = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_display_policy(self) -> str:
        return self.display_policy or settings.NEWSDESK_DISPLAY_POLICY


class FeedKind(models.TextChoices):
    UNKNOWN = "", "Unknown"
    RSS = "rss", "RSS"
    ATOM = "atom", "Atom"
    RDF = "rdf", "RSS 1.0 (RDF)"
    JSON = "json", "JSON Feed"
    SITEMAP = "sitemap", "Sitemap"


class Feed(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=16, choices=FeedKind.choices, default=FeedKind.UNKNOWN, blank=True)
    # The publisher's own section ("world", "sport"), a prior for the article's category.
    section = models.CharField(max_length=32, blank=True)
    # An operator's choice: every article of this feed gets this category.
    category_override = models.CharField(max_length=16, blank=True)

    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.IntegerField(null=True, blank=True, help_text="HTTP status of the last fetch")
    last_error = models.TextField(blank=True)
    consecutive_errors = models.IntegerField(default=0)
    last_new_entries = models.IntegerField(default=0)

    poll_interval = models.IntegerField(default=1800, help_text="seconds between polls, adapted to the feed")
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)

    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source__name", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class FetchFailure(models.Model):
    """One row per failing URL and stage, so an operator sees what is broken without reading logs."""

    class Stage(models.TextChoices):
        FEED = "feed", "Feed"
        PAGE = "page", "Article page"
        EXTRACT = "extract", "Extraction"
        DISCOVER = "discover", "Feed discovery"

    url = models.URLField(max_length=2000)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures")
    status_code = models.IntegerField(null=True, blank=True)
    error = models.TextField()
    attempts = models.IntegerField(default=1)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["url", "stage"], name="one_failure_row_per_url_stage")]

    def __str__(self) -> str:
        return f"{self.stage} {self.url}: {self.error[:80]}"
