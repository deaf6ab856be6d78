from django.urls import path, re_path

from newsdesk.web.follows import views

urlpatterns = [
    path("for-you/", views.for_you, name="for_you"),
    path("saved/", views.saved, name="saved_articles"),
    path("follow/", views.toggle_follow, name="follow"),
    re_path(r"^save/(?P<article_id>[0-9a-f]{32})/$", views.toggle_save, name="save_article"),
]
