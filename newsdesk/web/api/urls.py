"""/api/…: version 1, then a JSON 404 for every other path. A trailing slash is optional."""

from django.urls import re_path

from newsdesk.web.api import views

app_name = "api"

urlpatterns = [
    re_path(r"^v1/$", views.index, name="index"),
    re_path(r"^v1$", views.index),
    re_path(r"^v1/openapi\.json/?$", views.openapi, name="openapi"),
    re_path(r"^v1/articles/?$", views.articles, name="articles"),
    re_path(r"^v1/articles/(?P<article_id>[0-9a-f]{32})/?$", views.article, name="article"),
    re_path(r"^v1/stories/?$", views.stories, name="stories"),
    re_path(r"^v1/stories/(?P<story_id>[0-9]{1,18})/?$", views.story, name="story"),
    re_path(r"^v1/hashtags/trending/?$", views.trending_hashtags, name="trending_hashtags"),
    # After trending, which it would otherwise take; #Trending itself is hashtags/Trending.
    re_path(r"^v1/hashtags/(?P<name>[^/]+)/?$", views.hashtag, name="hashtag"),
    re_path(r"^v1/sources/?$", views.sources, name="sources"),
    re_path(r"^v1/categories/?$", views.categories, name="categories"),
    re_path(r"", views.unknown, name="unknown"),
]
