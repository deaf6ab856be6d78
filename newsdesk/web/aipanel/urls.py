from django.urls import re_path

from newsdesk.web.aipanel import views

urlpatterns = [
    re_path(r"^ai/article/(?P<article_id>[0-9a-f]{32})/$", views.article_panel, name="ai_article"),
    re_path(
        r"^ai/article/(?P<article_id>[0-9a-f]{32})/stream/$", views.article_stream, name="ai_article_stream"
    ),
]
