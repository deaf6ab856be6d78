from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("newsdesk.web.ops.urls")),
    path("accounts/", include("allauth.urls")),
    # The read-only JSON API (newsdesk/web/api, docs/api.md): versioned, outside the language prefix.
    path("api/", include("newsdesk.web.api.urls")),
]
urlpatterns += i18n_patterns(path("", include("newsdesk.web.pages.urls")), prefix_default_language=True)
# Readers: accounts, comments, moderation, follows (newsdesk/web/{accounts,comments,moderation,follows}).
urlpatterns += i18n_patterns(
    path("", include("newsdesk.web.accounts.urls")),
    path("", include("newsdesk.web.comments.urls")),
    path("", include("newsdesk.web.moderation.urls")),
    path("", include("newsdesk.web.follows.urls")),
    prefix_default_language=True,
)

# Error pages in the site's look; JSON under /api/ (newsdesk/web/errors.py).
handler404 = "newsdesk.web.errors.page_not_found"
handler500 = "newsdesk.web.errors.server_error"
