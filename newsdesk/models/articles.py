"""Articles and the hashtags that tie them together."""

from django.db import models
from django.utils import timezone

from newsdesk.models.sources import Feed, Source


class Category(models.TextChoices):
    WORLD = "world", "World"
    POLITICS = "politics", "Politics"
    BUSINESS = "business", "Business"
    TECHNOLOGY = "technology", "Technology"
    SCIENCE = "science", "Science"
    HEALTH = "health", "Health"
    SPORTS = "sports", "Sports"
    ENTERTAINMENT = "entertainment", "Entertainment"
    GENERAL = "general", "General"


class ExtractionState(models.TextChoices):
    PENDING = "pending", "Waiting for the page"
    PAGE = "page", "Extracted from the page"
    FEED = "feed", "From the feed (page failed)"


class Article(models.Model):
    # md5 of the canonical URL: stable across re-polls, re-runs and crashes.
    id = models.CharField(primary_key=True, max_length=32)
    url = models.URLField(max_length=2000, db_index=True, help_text="the link the feed gave")
    canonical_url = models.URLField(max_length=2000, db_index=True)
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    content_hash = models.CharField(max_length=40, blank=True, db_index=True)

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")

    title = models.TextField()
    description = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="plain body, paragraphs separated by blank lines")
    html = models.TextField(blank=True, help_text="sanitised body HTML")
    authors = models.JSONField(default=list, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="raw tags from the feed and the page")

    published_at = models.DateTimeField(db_index=True)
    modified_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    category = models.CharField(max_length=16, choices=Category.choices, default=Category.GENERAL)
    category_confidence = models.FloatField(default=0.0)
    # Set when an operator chose the category; the classifier then leaves it alone.
    category_locked = models.BooleanField(default=False)
    # The classifier's own log-probabilities (float32, one per category, before the section prior):
    # later members of the article's story pool their category with it (enrich/categories/assign.py).
    category_evidence = models.BinaryField(null=True, blank=True)

    story = models.ForeignKey(
        "newsdesk.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # A syndicated copy (same wire text elsewhere) points at the earliest version we hold.
    # Indexed only where set (see Meta): lists filter on IS NULL, and a full index on a column that is
    # NULL almost everywhere tempts SQLite into reading every original and sorting them by date.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", db_index=False
    )
    simhash = models.BigIntegerField(null=True, blank=True, db_index=True)
    extraction = models.CharField(
        max_length=16, choices=ExtractionState.choices, default=ExtractionState.PENDING
    )
    extract_attempts = models.IntegerField(default=0)
    # Set by the last enrichment step; an article without it is re-queued by the scheduler.
    enriched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            models.Index(fields=["category", "-published_at"], name="article_category_recent"),
            models.Index(fields=["source", "-published_at"], name="article_source_recent"),
            models.Index(fields=["story", "published_at"], name="article_story_timeline"),
            models.Index(
                fields=["duplicate_of"], condition=models.Q(duplicate_of__isnull=False), name="article_copies"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("article", args=[self.id])


class Hashtag(models.Model):
    name = models.CharField(max_length=100, help_text="CamelCase, as shown: TimesOfIndia")
    key = models.CharField(max_length=100, unique=True, help_text="lower-case name, for lookups")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hashtag", args=[self.name])


class ArticleHashtag(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_hashtags")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="article_hashtags")
    weight = models.FloatField(default=1.0)
    # Denormalised so "latest with #Tag" is one index range scan.
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-weight"]
        constraints = [models.UniqueConstraint(fields=["article", "hashtag"], name="one_tag_per_article")]
        indexes = [models.Index(fields=["hashtag", "-published_at"], name="hashtag_recent")]


class Story(models.Model):
    """One event as many publishers tell it."""

    title = models.TextField()
    representative = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    centroid = models.BinaryField(blank=True, default=b"", help_text="mean embedding, float32")
    article_count = models.IntegerField(default=0)
    source_count = models.IntegerField(default=0, db_index=True)
    first_published_at = models.DateTimeField(db_index=True)
    last_published_at = models.DateTimeField(db_index=True)
    # Breadth and freshness in one number, for ranking on the home page.
    rank_score = models.FloatField(default=0.0, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-rank_score"]
        verbose_name_plural = "stories"
        indexes = [
            # The story cache compares (id, updated_at) of every open story every few seconds
            # (enrich/stories/actions.py, StoryCache.scan): with both in the index the scan never
            # reads the story rows, each mostly centroid bytes.
            models.Index(fields=["last_published_at", "updated_at", "id"], name="story_open_versions"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("story", args=[self.id])


class ArticleRedirect(models.Model):
    """An id an article was known by before it moved: re-keyed to its page's canonical URL, or
    dropped as a second URL of the same text. Links readers shared and items our own feeds gave
    out still lead to it."""

    old_id = models.CharField(max_length=32, primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)


class StoryRedirect(models.Model):
    """The id of a story merged into another: its page's links lead to the story it joined."""

    old_id = models.BigIntegerField(primary_key=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)


class ArticleEmbedding(models.Model):
    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )
    model = models.CharField(max_length=200, help_text="which embedder made the vector")
    dimensions = models.IntegerField()
    vector = models.BinaryField(help_text="L2-normalised, float16")
    published_at = models.DateTimeField(db_index=True)


class RelatedArticle(models.Model):
    """Related articles, computed at ingest so article pages stay fast."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["article", "related"], name="one_related_pair")]
