from django.urls import path

from newsdesk.web.moderation import views

urlpatterns = [
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/comment/<int:comment_id>/", views.act_on_comment, name="moderation_act"),
    path("moderation/banned-words/", views.banned_words, name="moderation_banned_words"),
    path("moderation/log/", views.moderation_log, name="moderation_log"),
]
