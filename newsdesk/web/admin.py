"""The operator's admin: what is configured, what is broken, and overrides for what the machine got wrong."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.db import router, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst

from newsdesk.ingest.sources import MAX_DISCOVERED_FEEDS, SourceError, add_source, pause_feeds, resume_feeds
from newsdesk.models import (
    Article,
    ArticleHashtag,
    Category,
    Comment,
    Feed,
    FetchFailure,
    Hashtag,
    ModerationAction,
    Source,
    Story,
)
from newsdesk.web.accounts.actions import delete_account
from newsdesk.web.accounts.lib import is_deleted_reader
from newsdesk.web.moderation.actions import ModerationRefused, moderate_comment, moderate_reader
from newsdesk.web.moderation.lib import DEFAULT_SUSPENSION_DAYS

User = get_user_model()
HTTP_ONLY = URLValidator(
    schemes=["http", "https"],
    message="Feeds are fetched over http or https only.",
    code="scheme",  # the field's own "invalid" message would replace this one
)


class FeedFields:
    """Feed fields as the crawler reads them: an http(s) address, an override from the taxonomy
    (a free-text override the classifier does not know was saved, then ignored)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "category_override":
            return forms.ChoiceField(
                choices=[("", "none: classify each article"), *Category.choices],
                required=False,
                label="Category override",
                help_text="Every article of this feed gets this category.",
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "url" and field is not None:
            field.validators.append(HTTP_ONLY)
        return field


class FeedInline(FeedFields, admin.TabularInline):
    model = Feed
    extra = 0
    fields = ("url", "title", "kind", "section", "last_fetched_at", "last_status", "consecutive_errors")
    readonly_fields = ("last_fetched_at", "last_status", "consecutive_errors")
    show_change_link = True


class HasFeedsFilter(admin.SimpleListFilter):
    """A source without feeds is never polled: the scheduler only knows feeds."""

    title = "feeds"
    parameter_name = "feeds"

    def lookups(self, request, model_admin):
        return [("none", "None: never polled"), ("some", "At least one")]

    def queryset(self, request, queryset: QuerySet[Source]) -> QuerySet[Source]:
        # feeds_total: SourceAdmin.get_queryset
        if self.value() == "none":
            return queryset.filter(feeds_total=0)
        if self.value() == "some":
            return queryset.filter(feeds_total__gt=0)
        return queryset


class AddSourceByURLForm(forms.Form):
    url = forms.URLField(
        label="Feed or homepage URL",
        max_length=2000,
        assume_scheme="https",
        validators=[HTTP_ONLY],
        help_text=f"A feed, or a homepage whose announced feeds are added (up to {MAX_DISCOVERED_FEEDS}).",
    )
    name = forms.CharField(
        max_length=200, required=False, help_text="The publisher's name; by default the feed's title."
    )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "homepage_url", "display_policy", "is_active", "feed_count")
    list_filter = (HasFeedsFilter, "is_active", "display_policy")
    search_fields = ("name", "slug", "homepage_url")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FeedInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(feeds_total=Count("feeds"))

    @admin.display(description="feeds", ordering="feeds_total")
    def feed_count(self, source: Source) -> int | str:
        return source.feeds_total or format_html("<strong>{}</strong>", "0: never polled")

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.feeds.exists():
            self.message_user(
                request,
                f"{form.instance.name} has no feeds, so nothing of it is polled: add a feed below, "
                "or add its site with “Add by URL” on the sources list.",
                messages.WARNING,
            )

    def get_urls(self):
        add_by_url = path(
            "add-by-url/", self.admin_site.admin_view(self.add_by_url), name="newsdesk_source_add_by_url"
        )
        return [add_by_url, *super().get_urls()]

    def add_by_url(self, request: HttpRequest) -> HttpResponse:
        """`newsdesk sources add` in the admin: feed discovery, where adding a Source by hand
        gives one without feeds."""
        # Here, not at the top: the pipeline loads the whole enrichment stack into every web process.
        from newsdesk.pipeline import shared_fetcher

        if not (self.has_add_permission(request) and request.user.has_perm("newsdesk.add_feed")):
            raise PermissionDenied
        form = AddSourceByURLForm(request.POST or None)
        if form.is_valid():
            try:
                feeds = add_source(form.cleaned_data["url"], shared_fetcher(), name=form.cleaned_data["name"])
            except SourceError as error:
                self.message_user(request, f"Nothing added: {error}", messages.ERROR)
            else:
                for feed, new in feeds:
                    done = "Added" if new else "Already present"
                    self.message_user(request, f"{done}: {feed.url} ({feed.source.name})", messages.SUCCESS)
                return redirect("admin:newsdesk_source_change", feeds[0].feed.source_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add a source by URL",
            "form": form,
        }
        return TemplateResponse(request, "admin/newsdesk/source/add_by_url.html", context)


class FeedHealthFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("ok", "Working"),
            ("failing", "Failing, still polled"),
            ("disabled", "Disabled"),
            ("never", "Never fetched"),
        ]

    def queryset(self, request, queryset: QuerySet[Feed]) -> QuerySet[Feed]:
        if self.value() == "ok":
            return queryset.filter(
                disabled_at__isnull=True, consecutive_errors=0, last_fetched_at__isnull=False
            )
        if self.value() == "failing":
            return queryset.filter(disabled_at__isnull=True, consecutive_errors__gt=0)
        if self.value() == "disabled":
            return queryset.filter(disabled_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(last_fetched_at__isnull=True)
        return queryset


@admin.register(Feed)
class FeedAdmin(FeedFields, admin.ModelAdmin):
    list_display = (
        "url",
        "source",
        "kind",
        "health",
        "last_fetched_at",
        "last_status",
        "consecutive_errors",
        "last_new_entries",
        "poll_interval",
        "next_poll_at",
    )
    list_filter = (FeedHealthFilter, "kind", "last_status", "source")
    search_fields = ("url", "title", "source__name", "last_error")
    list_select_related = ("source",)
    autocomplete_fields = ("source",)
    readonly_fields = (
        "etag",
        "last_modified",
        "last_fetched_at",
        "last_success_at",
        "last_status",
        "last_error",
        "consecutive_errors",
        "last_new_entries",
        "disabled_at",
        "disabled_reason",
        "created_at",
    )
    actions = ["enable_and_poll_now", "pause"]

    @admin.display(description="health")
    def health(self, feed: Feed) -> str:
        if feed.disabled_at:
            return format_html(
                '<span title="{}">disabled: {}</span>', feed.disabled_reason, feed.disabled_reason[:80]
            )
        if feed.consecutive_errors:
            return format_html('<span title="{}">failing: {}</span>', feed.last_error, feed.last_error[:80])
        return "ok" if feed.last_fetched_at else "never fetched"

    @admin.action(description="Re-enable and poll on the scheduler's next pass")
    def enable_and_poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        changed = resume_feeds(queryset)
        self.message_user(request, f"{changed} feed(s) re-enabled and due now.", messages.SUCCESS)

    @admin.action(description="Pause (stop polling; the articles stay)")
    def pause(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        changed = pause_feeds(queryset)
        self.message_user(request, f"{changed} feed(s) paused.", messages.SUCCESS)


@admin.register(FetchFailure)
class FetchFailureAdmin(admin.ModelAdmin):
    list_display = ("url", "stage", "status_code", "short_error", "attempts", "first_seen_at", "last_seen_at")
    list_filter = ("stage", "status_code")
    search_fields = ("url", "error")
    list_select_related = ("feed",)
    raw_id_fields = ("feed",)
    show_full_result_count = False

    @admin.display(description="error")
    def short_error(self, failure: FetchFailure) -> str:
        return failure.error[:120]


class ArticleHashtagInline(admin.TabularInline):
    model = ArticleHashtag
    extra = 0
    raw_id_fields = ("hashtag",)
    fields = ("hashtag", "weight", "published_at")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "category", "extraction", "published_at", "discovered_at")
    # Operators fix a wrong category straight from the list.
    list_editable = ("category",)
    list_filter = ("category", "extraction", "source")
    search_fields = ("title", "=id", "url", "canonical_url")
    list_select_related = ("source",)
    raw_id_fields = ("source", "feed")
    readonly_fields = ("id", "content_hash", "discovered_at", "updated_at", "extract_attempts", "last_error")
    inlines = [ArticleHashtagInline]
    # Counting millions of rows for the paginator costs more than the page.
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).defer("html", "text")

    def save_model(self, request: HttpRequest, article: Article, form, change: bool) -> None:
        # A category an operator chose is never reclassified.
        if "category" in form.changed_data:
            article.category_locked = True
            article.category_confidence = 1.0
        super().save_model(request, article, form, change)

    def view_on_site(self, article: Article) -> str:
        return article.get_absolute_url()


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "created_at")
    search_fields = ("name", "key")
    show_full_result_count = False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Stories as the clusterer made them, to look at: counts, centroid and members are the
    pipeline's (enrich/stories), and a save from a form read a moment earlier would undo its updates."""

    list_display = (
        "title",
        "representative_source",
        "article_count",
        "source_count",
        "first_published_at",
        "last_published_at",
        "articles_link",
    )
    search_fields = ("title", "=id")
    ordering = ("-last_published_at",)
    fields = (
        "title",
        "representative",
        "article_count",
        "source_count",
        "first_published_at",
        "last_published_at",
        "rank_score",
        "created_at",
        "updated_at",
        "members",
    )
    readonly_fields = fields
    show_full_result_count = False
    # Members shown on a story's own admin page; the rest are one link away.
    MEMBERS_SHOWN = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        # As the home page reads stories: the centroid and the representative's body are never shown.
        return (
            super()
            .get_queryset(request)
            .select_related("representative__source")
            .defer(
                "centroid",
                "representative__html",
                "representative__text",
                "representative__category_evidence",
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, story: Story | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, story: Story | None = None) -> bool:
        # Deleting a story would take its readers' comments with it.
        return False

    @admin.display(description="source of the lead article", ordering="representative__source__name")
    def representative_source(self, story: Story) -> str:
        return story.representative.source.name if story.representative else "-"

    @admin.display(description="articles")
    def articles_link(self, story: Story) -> str:
        return format_html('<a href="{}">list</a>', _story_articles_url(story))

    @admin.display(description="members")
    def members(self, story: Story) -> str:
        articles = (
            Article.objects.filter(story_id=story.id)
            .select_related("source")
            .defer("html", "text", "category_evidence")
            .order_by("-published_at")[: self.MEMBERS_SHOWN]
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {}, {})</li>',
            (
                (
                    reverse("admin:newsdesk_article_change", args=[quote(article.pk)]),
                    article.title,
                    article.source.name,
                    f"{timezone.localtime(article.published_at):%Y-%m-%d %H:%M}",
                    article.get_extraction_display(),
                )
                for article in articles
            ),
        )
        return format_html(
            '<ul>{}</ul><a href="{}">All {} articles of this story in the article list</a>',
            rows,
            _story_articles_url(story),
            story.article_count,
        )


def _story_articles_url(story: Story) -> str:
    return f"{reverse('admin:newsdesk_article_changelist')}?story__id__exact={story.id}"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments to find and moderate. A comment is changed only through the moderation app's own
    actions (newsdesk/web/moderation), which keep the audit log; the change page is read-only, and
    no comment is deleted outright (its replies would go with it): "delete" is moderation's."""

    list_display = ("excerpt", "author", "page", "state", "report_count", "created_at")
    list_filter = ("state",)
    search_fields = ("body", "author__username", "author__email", "author__profile__display_name")
    ordering = ("-created_at",)
    show_full_result_count = False
    actions = ["hide", "restore", "delete", "suspend_authors"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .select_related("author", "article", "story")
            .defer(
                "article__html",
                "article__text",
                "article__category_evidence",
                "story__centroid",
            )
        )

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # readers post through the site, where every rule a comment must pass applies

    def has_change_permission(self, request: HttpRequest, comment: Comment | None = None) -> bool:
        # The list (and so its actions) for those who may change comments; each comment's page to view.
        return comment is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, comment: Comment | None = None) -> bool:
        return False

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description="on")
    def page(self, comment: Comment) -> Article | Story | None:
        return comment.target

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], action: str, done: str) -> None:
        # A deletion is final, its author's or a moderator's, as in the moderation queue, which
        # never lists deleted comments: restoring one would publish what its author withdrew.
        deleted = queryset.filter(state=Comment.State.DELETED).count()
        comments = list(queryset.exclude(state=Comment.State.DELETED).select_related("author"))
        with transaction.atomic():
            for comment in comments:
                moderate_comment(request.user, comment, action)
        self.message_user(request, f"{len(comments)} comment(s) {done}.", messages.SUCCESS)
        if deleted:
            left = f"{deleted} deleted comment(s) left as they are: a deletion is final."
            self.message_user(request, left, messages.WARNING)

    @admin.action(description="Hide (moderation: logged)", permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "hide", "hidden")

    @admin.action(
        description="Restore: visible, reports resolved (moderation: logged)", permissions=["change"]
    )
    def restore(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "approve", "restored")

    @admin.action(description="Delete (moderation: logged; replies stay)", permissions=["change"])
    def delete(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, "delete", "deleted")

    @admin.action(
        description=f"Suspend their authors for {DEFAULT_SUSPENSION_DAYS} days (moderation: logged)",
        permissions=["change"],
    )
    def suspend_authors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        """One suspension per author, logged against the first selected comment of theirs, as the
        queue logs the comment a suspension answered. Staff and deleted accounts are left alone."""
        first_comment_of: dict[int, Comment] = {}
        for comment in queryset.select_related("author").order_by("created_at", "id"):
            first_comment_of.setdefault(comment.author_id, comment)
        suspended, refused = 0, []
        with transaction.atomic():
            for comment in first_comment_of.values():
                if is_deleted_reader(comment.author):
                    continue
                try:
                    moderate_reader(request.user, comment.author, "suspend", comment=comment)
                except ModerationRefused as refusal:
                    refused.append(f"{comment.author}: {refusal}")
                else:
                    suspended += 1
        self.message_user(
            request,
            f"{suspended} author(s) suspended for {DEFAULT_SUSPENSION_DAYS} days.",
            messages.SUCCESS,
        )
        for line in refused:
            self.message_user(request, line, messages.WARNING)


class AccountDeletionCollector(NestedObjects):
    """What deleting accounts removes: `delete_account` first hands their comments and audit-log
    entries to the placeholder, so those, and the replies under them, stay."""

    handed_on = (Comment._meta.get_field("author"), ModerationAction._meta.get_field("moderator"))

    def related_objects(self, related_model, related_fields, objs):
        related = super().related_objects(related_model, related_fields, objs)
        return related.none() if all(field in self.handed_on for field in related_fields) else related


admin.site.unregister(User)


@admin.register(User)
class ReaderAdmin(UserAdmin):
    """Deletes through `delete_account`, as a reader's own deletion does: the stock cascade took
    their comments with every reply to them, and refused moderators (their audit log protects them)."""

    def has_delete_permission(self, request: HttpRequest, user=None) -> bool:
        return super().has_delete_permission(request, user) and not (user and is_deleted_reader(user))

    def delete_model(self, request: HttpRequest, user) -> None:
        delete_account(user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in queryset:
            delete_account(user)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Django's listing (admin.utils.get_deleted_objects), of what `delete_account` removes."""
        collector = AccountDeletionCollector(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()

        def describe(obj) -> str:
            opts = obj._meta
            label = f"{capfirst(opts.verbose_name)}: {obj}"
            if not self.admin_site.is_registered(type(obj)):
                return label
            if not self.admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                )
            except NoReverseMatch:
                return label
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        deleted = collector.nested(describe)
        protected = [describe(obj) for obj in collector.protected]
        counts = {
            model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
        }
        return deleted, counts, perms_needed, protected
