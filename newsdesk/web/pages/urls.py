from django.urls import include, path, re_path

from newsdesk.web.cache import article_scope, cached_page
from newsdesk.web.pages import feeds, stories, views

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    re_path(
        r"^article/(?P<article_id>[0-9a-f]{32})/$",
        cached_page(views.article, scopes=article_scope),
        name="article",
    ),
    path("hashtag/<str:tag>/", cached_page(views.hashtag), name="hashtag"),
    path("story/<int:story_id>/", cached_page(stories.story), name="story"),
    path("category/<slug:slug>/", cached_page(views.category), name="category"),
    path("source/<slug:slug>/", cached_page(views.source), name="source"),
    re_path(r"^search/?$", cached_page(views.search), name="search"),
    # RSS of each list, for feed readers (newsdesk/web/pages/feeds.py).
    path("feed/", cached_page(feeds.LatestFeed()), name="feed"),
    path("category/<slug:slug>/feed/", cached_page(feeds.CategoryFeed()), name="category_feed"),
    path("source/<slug:slug>/feed/", cached_page(feeds.SourceFeed()), name="source_feed"),
    path("hashtag/<str:tag>/feed/", cached_page(feeds.HashtagFeed()), name="hashtag_feed"),
    path("story/<int:story_id>/feed/", cached_page(feeds.StoryFeed()), name="story_feed"),
    path("", include("newsdesk.web.aipanel.urls")),
]
