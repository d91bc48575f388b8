# The Clinic CMS image: one image for web (gunicorn), Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libjpeg62-turbo-dev zlib1g-dev libwebp-dev curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cms
WORKDIR /app

COPY requirements/ requirements/
RUN pip install -r requirements/base.txt

COPY --chown=cms:cms . .
# collectstatic needs settings but no secrets or services: give it throwaway values (a key
# long enough for production's boot check, thrown away with this layer's environment).
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite://:memory: \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R cms:cms /app/var

USER cms
EXPOSE 8000
# Bind address, workers, timeouts and JSON logs come from gunicorn.conf.py (GUNICORN_* variables).
CMD ["gunicorn", "cms.wsgi:application"]
