"""The Celery app: worker and beat load tasks from every installed app."""

import os

from celery import Celery

# Production unless another module is chosen: DEBUG and a fixed key need asking for
# (DJANGO_SETTINGS_MODULE=cms.settings.dev, as the README's demo command does).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
