"""The one task layer: every pipeline stage is a plain function, run through Celery.

With no broker configured (the embedded default) Celery runs tasks eagerly, in
process; with `CELERY_BROKER_URL`/`REDIS_URL` set, the same calls go to workers.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

app = Celery("newsdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
