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
from django.utils.html import format_html
from django.utils.text import capfirst

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
)
from newsdesk.web.accounts.actions import delete_account
from newsdesk.web.accounts.lib import is_deleted_reader

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
