import os

from django.core.wsgi import get_wsgi_application

# Production unless another module is chosen: DEBUG and a fixed key need asking for
# (DJANGO_SETTINGS_MODULE=cms.settings.dev, as the README's demo command does).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()
