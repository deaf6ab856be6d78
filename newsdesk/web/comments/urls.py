from django.urls import path, re_path

from newsdesk.web.comments import views

urlpatterns = [
    path("me/comments/", views.mine, name="my_comments"),
    re_path(r"^comments/(?P<kind>article|story)/(?P<target_id>[0-9a-f]+)/$", views.post, name="comment_post"),
    path("comments/<int:comment_id>/edit/", views.edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="comment_delete"),
    path("comments/<int:comment_id>/report/", views.report, name="comment_report"),
]
