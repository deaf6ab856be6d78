from django.urls import path, re_path

from newsdesk.web.pages import views

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^article/(?P<article_id>[0-9a-f]{32})/$", views.article, name="article"),
    path("hashtag/<str:tag>/", views.hashtag, name="hashtag"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("source/<slug:slug>/", views.source, name="source"),
    re_path(r"^search/?$", views.search, name="search"),
]
