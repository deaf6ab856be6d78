"""The anonymous page cache: hits, invalidation on content change, and who never gets a cached page."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.urls import reverse

from newsdesk.models import Article, RelatedArticle, Story
from newsdesk.store import generations
from newsdesk.store.generations import bump_content_generation, content_generations, pages_showing_enrichment
from newsdesk.testing.redis import redis_available, redis_server
from newsdesk.testing.services import require
from newsdesk.web.cache import CACHE_HEADER, PageCacheMiddleware, cached_page
from newsdesk.web.pages.article_page import article_aside
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "page-tests"}
}


@pytest.fixture(params=["local", "redis"])
def page_cache(request, tmp_path):
    """Caching on, with the per-process cache (generation in a file) and with a real Redis."""
    if request.param == "local":
        caches_setting, server = LOCAL_CACHE, None
    else:
        require(redis_available(), "Redis (redis-server or NEWSDESK_TEST_REDIS_URL)")
        server = redis_server()
        url = server.__enter__()
        caches_setting = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    with override_settings(
        CACHES=caches_setting,
        NEWSDESK_PAGE_CACHE_SECONDS=300,
        NEWSDESK_CONTENT_GENERATION_FILE=str(tmp_path / "generation"),
    ):
        cache.clear()
        yield request.param
    if server is not None:
        server.__exit__(None, None, None)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the generation bumps) as if each test write had committed."""

    def committed(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return committed


@pytest.fixture
def source(commits):
    return commits(lambda: make_source("Harbour Times"))


def test_a_second_anonymous_request_is_served_from_the_cache(client, page_cache, source, commits):
    commits(lambda: make_article(source, "Lighthouse reopens"))
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))

    assert first[CACHE_HEADER] == "miss" and second[CACHE_HEADER] == "hit"
    assert second.content == first.content and b"Lighthouse reopens" in second.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]


def test_a_page_asked_for_by_another_host_or_scheme_is_not_served_from_its_cache(
    client, page_cache, source, commits
):
    # Feeds and API answers carry absolute links, built from the request's own address.
    commits(lambda: make_article(source, "Lighthouse reopens"))
    by_name = client.get(reverse("feed"), HTTP_HOST="localhost")
    by_address = client.get(reverse("feed"), HTTP_HOST="127.0.0.1")
    behind_tls = client.get(reverse("feed"), HTTP_HOST="127.0.0.1", secure=True)

    assert [r[CACHE_HEADER] for r in (by_name, by_address, behind_tls)] == ["miss"] * 3
    assert b"http://localhost/" in by_name.content and b"localhost" not in by_address.content
    assert b"https://127.0.0.1/" in behind_tls.content
    assert client.get(reverse("feed"), HTTP_HOST="127.0.0.1")[CACHE_HEADER] == "hit"


def test_a_cached_page_is_served_even_when_the_database_changed_behind_its_back(
    client, page_cache, source, commits
):
    article = commits(lambda: make_article(source, "Lighthouse reopens"))
    client.get(reverse("home"))
    # A bulk update sends no signal: the cache cannot know, so the old page stays (until its TTL).
    Article.objects.filter(id=article.id).update(title="Lighthouse closes again")

    assert b"Lighthouse reopens" in client.get(reverse("home")).content


def test_a_new_article_invalidates_the_listings(client, page_cache, source, commits):
    commits(lambda: make_article(source, "Lighthouse reopens", category="science"))
    for name, args in (("home", []), ("category", ["science"]), ("source", [source.slug])):
        client.get(reverse(name, args=args))
        assert client.get(reverse(name, args=args))[CACHE_HEADER] == "hit"

    commits(lambda: make_article(source, "Ferry timetable changes", category="science"))

    for name, args in (("home", []), ("category", ["science"]), ("source", [source.slug])):
        response = client.get(reverse(name, args=args))
        assert response[CACHE_HEADER] == "miss"
        assert b"Ferry timetable changes" in response.content


def test_an_article_page_changes_with_its_own_article_only(client, page_cache, source, commits):
    article = commits(lambda: make_article(source, "Lighthouse reopens", text="The lamp is lit."))
    url = article.get_absolute_url()
    client.get(url)

    commits(lambda: make_article(source, "Unrelated story"))
    # Redis keeps a generation per article; the per-process fallback has one for the whole site.
    assert client.get(url)[CACHE_HEADER] == ("hit" if page_cache == "redis" else "miss")

    def retitle():
        article.title = "Lighthouse reopens after repairs"
        article.save()

    commits(retitle)
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert b"Lighthouse reopens after repairs" in response.content


def test_a_write_inside_an_open_transaction_does_not_invalidate_until_it_commits(page_cache, source):
    before = content_generations(["site"])
    make_article(source, "Not committed yet")  # the test's transaction never commits
    assert content_generations(["site"]) == before

    bump_content_generation()
    assert content_generations(["site"]) != before


def test_signed_in_readers_never_get_or_fill_the_cache(client, page_cache, source, commits):
    article = commits(lambda: make_article(source, "Lighthouse reopens"))
    assert client.get(reverse("home"))[CACHE_HEADER] == "miss"
    Article.objects.filter(id=article.id).update(title="Lighthouse closes again")

    reader = get_user_model().objects.create_user("ann", password="x")
    client.force_login(reader)
    response = client.get(reverse("home"))
    assert CACHE_HEADER not in response
    assert b"Lighthouse closes again" in response.content
    # Nor may a shared cache on the way keep their page.
    assert "private" in response["Cache-Control"]
    client.logout()


def test_a_page_that_rendered_a_csrf_token_or_set_a_cookie_is_not_stored(page_cache):
    rendered = []

    @cached_page
    def form_page(request):
        rendered.append(1)
        return HttpResponse(f"<form><input name=csrfmiddlewaretoken value={get_token(request)}></form>")

    @cached_page
    def cookie_page(request):
        rendered.append(1)
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    factory = RequestFactory()
    for view, path in ((form_page, "/form"), (cookie_page, "/cookie")):
        for _ in range(2):
            response = view(factory.get(path))
            assert CACHE_HEADER not in response
    assert len(rendered) == 4


def test_a_page_varying_on_another_header_is_not_stored(page_cache):
    @cached_page
    def negotiated(request):
        response = HttpResponse("hello")
        response["Vary"] = "Accept-Encoding, User-Agent"
        return response

    assert CACHE_HEADER not in negotiated(RequestFactory().get("/negotiated"))


def test_requests_with_a_session_cookie_bypass_the_cache(client, page_cache, source, commits):
    commits(lambda: make_article(source, "Lighthouse reopens"))
    client.get(reverse("home"))
    client.cookies["sessionid"] = "whatever"
    assert CACHE_HEADER not in client.get(reverse("home"))


@override_settings(NEWSDESK_PAGE_CACHE_SECONDS=0)
def test_a_zero_ttl_turns_the_cache_off(client, source):
    assert CACHE_HEADER not in client.get(reverse("home"))


def test_the_empty_site_status_page_is_never_cached(client, page_cache):
    """Until articles arrive, the home page reports the crawler's progress, which changes with every poll."""
    client.get(reverse("home"))
    assert CACHE_HEADER not in client.get(reverse("home"))


def test_a_hit_is_answered_before_the_rest_of_the_middleware_and_the_view(
    client, page_cache, source, commits
):
    article = commits(lambda: make_article(source, "Lighthouse reopens"))
    filled = client.get(article.get_absolute_url())
    assert filled[CACHE_HEADER] == "miss"

    def rest_of_the_stack(request):
        raise AssertionError("a cache hit reached sessions, auth or the view")

    request = RequestFactory().get(article.get_absolute_url())
    hit = PageCacheMiddleware(rest_of_the_stack)(request)
    assert hit[CACHE_HEADER] == "hit" and hit.content == filled.content
    # Headers the skipped middleware add are kept from the page as first served.
    for header in ("X-Frame-Options", "Content-Language", "Content-Type"):
        assert hit[header] == filled[header]
    assert request.resolver_match.url_name == "article"  # /metrics labels the hit by its page


def test_the_middleware_passes_signed_in_readers_and_other_pages_through(page_cache, source, commits):
    article = commits(lambda: make_article(source, "Lighthouse reopens"))
    passed = []
    middleware = PageCacheMiddleware(lambda request: passed.append(request.path) or HttpResponse("fresh"))
    signed_in = RequestFactory().get(article.get_absolute_url())
    signed_in.COOKIES["sessionid"] = "whatever"
    for request in (
        signed_in,
        RequestFactory().get("/healthz"),
        RequestFactory().post(article.get_absolute_url()),
    ):
        assert middleware(request).content == b"fresh"
    assert len(passed) == 3


def test_another_process_bump_is_seen_within_a_second_not_on_every_request(monkeypatch, tmp_path):
    generation_file = tmp_path / "generation"
    clock = [1000.0]
    monkeypatch.setattr(generations.time, "monotonic", lambda: clock[0])
    with override_settings(CACHES=LOCAL_CACHE, NEWSDESK_CONTENT_GENERATION_FILE=str(generation_file)):
        before = content_generations(["site"])
        generation_file.write_text("42")  # another process's bump
        clock[0] += generations.GENERATION_FILE_REREAD_SECONDS / 2
        assert content_generations(["site"]) == before
        clock[0] += generations.GENERATION_FILE_REREAD_SECONDS
        assert content_generations(["site"]) == (42,)
        bump_content_generation()  # this process's own bump shows at once
        assert content_generations(["site"]) != (42,)


def test_the_article_aside_is_kept_until_the_content_generation_moves(page_cache, source, commits):
    article = commits(lambda: make_article(source, "Lighthouse reopens"))
    neighbour = commits(lambda: make_article(source, "Harbour wall repaired"))
    commits(lambda: RelatedArticle.objects.create(article=article, related=neighbour, score=0.9))
    with override_settings(NEWSDESK_FRAGMENT_CACHE_SECONDS=300):
        assert "Harbour wall repaired" in article_aside(article)
        # A bulk update sends no signal: the kept aside does not see it...
        Article.objects.filter(id=neighbour.id).update(title="Harbour wall rebuilt")
        assert "Harbour wall repaired" in article_aside(article)
        # ...until the generation moves, as the task layer makes it after every enrichment.
        bump_content_generation([article.id])
        assert "Harbour wall rebuilt" in article_aside(article)
    with override_settings(NEWSDESK_FRAGMENT_CACHE_SECONDS=0):
        Article.objects.filter(id=neighbour.id).update(title="Harbour wall opened")
        assert "Harbour wall opened" in article_aside(article)  # off: rendered every time


def test_an_article_joining_a_story_refreshes_the_pages_of_that_story(client, page_cache, commits):
    gazette, post = commits(lambda: make_source("Harbour Gazette")), commits(lambda: make_source("Quay Post"))
    first = commits(lambda: make_article(gazette, "Breakwater to close"))
    story = commits(
        lambda: Story.objects.create(
            title="Breakwater", first_published_at=first.published_at, last_published_at=first.published_at
        )
    )
    commits(lambda: Article.objects.filter(id=first.id).update(story=story))
    url = first.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE_HEADER] == "hit"

    # What join_story leaves: the new version in the story, written by bulk updates (no signals).
    joined = make_article(post, "Quay Post: breakwater closes next week")
    Article.objects.filter(id=joined.id).update(story=story)
    Story.objects.filter(id=story.id).update(article_count=2, source_count=2)
    assert pages_showing_enrichment(joined.id)[0] == joined.id
    bump_content_generation(pages_showing_enrichment(joined.id))

    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert b"Quay Post: breakwater closes next week" in response.content
    assert b"(2 sources)" in response.content
