from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_search_index(sender, using: str = "default", **kwargs) -> None:
    """SQLite drops triggers when a migration rebuilds a table: put the search index back, re-analyse."""
    from django.db import connections

    from newsdesk.store.search_index import ensure_search_index, refresh_planner_statistics

    ensure_search_index(connections[using])
    refresh_planner_statistics(connections[using])


class NewsdeskConfig(AppConfig):
    name = "newsdesk"
    verbose_name = "newsdesk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.enrich.stories.actions import connect_story_upkeep

        post_migrate.connect(_restore_search_index, sender=self)
        connect_story_upkeep()
