from django.apps import AppConfig


class WebConfig(AppConfig):
    """The reader-facing site: its templates, static files and template tags live in this package."""

    name = "newsdesk.web"
    label = "newsdesk_web"
    verbose_name = "newsdesk web"

    def ready(self) -> None:
        from newsdesk.web.cache import connect_invalidation_signals

        connect_invalidation_signals()
