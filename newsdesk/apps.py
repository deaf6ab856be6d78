from django.apps import AppConfig


class NewsdeskConfig(AppConfig):
    name = "newsdesk"
    verbose_name = "newsdesk"
    default_auto_field = "django.db.models.BigAutoField"
