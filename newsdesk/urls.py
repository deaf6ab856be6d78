from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from newsdesk.web import root_files
from newsdesk.web.cache import cached_page

urlpatterns = [
    path("admin/", admin.site.urls),
    # What clients ask for at the root: robots.txt, the sitemaps, the icon (newsdesk/web/root_files.py).
    path("robots.txt", cached_page(root_files.robots_txt), name="robots_txt"),
    path("sitemap.xml", cached_page(root_files.sitemap_index), name="sitemap_index"),
    path("sitemap-pages.xml", cached_page(root_files.sitemap_pages), name="sitemap_pages"),
    path("sitemap-stories.xml", cached_page(root_files.sitemap_stories), name="sitemap_stories"),
    path(
        "sitemap-articles-<int:number>.xml", cached_page(root_files.sitemap_articles), name="sitemap_articles"
    ),
    path("favicon.ico", root_files.favicon, name="favicon"),
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
handler400 = "newsdesk.web.errors.bad_request"
handler404 = "newsdesk.web.errors.page_not_found"
handler500 = "newsdesk.web.errors.server_error"
