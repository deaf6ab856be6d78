from django.apps import AppConfig


class WebConfig(AppConfig):
    """The reader-facing site: its templates, static files and template tags live in this package."""

    name = "newsdesk.web"
    label = "newsdesk_web"
    verbose_name = "newsdesk web"

    def ready(self) -> None:
        from newsdesk.store.generations import connect_invalidation_signals
        from newsdesk.web.accounts.actions import connect_operator_email_verification
        from newsdesk.web.ops.metrics import connect_task_counters

        connect_invalidation_signals()
        connect_operator_email_verification()
        # Here rather than in tasks.py, so the task layer does not import the web side; Celery
        # workers set Django up too, so their tasks are counted.
        connect_task_counters()
