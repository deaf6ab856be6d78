"""Cached AI results: computing a summary once per article version, not once per reader."""

from django.db import models
from django.utils import timezone

from newsdesk.models.articles import Article, Story


class AIResult(models.Model):
    # sha256 over content hash, feature, provider, model, language and normalised question.
    key = models.CharField(max_length=64, unique=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    feature = models.CharField(max_length=32)
    provider = models.CharField(max_length=32)
    model = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    question = models.TextField(blank=True)
    result = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["article", "feature"], name="airesult_article_feature")]
