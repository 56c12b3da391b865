# MTW Portal web image: gunicorn serving mtw_portal.wsgi on :8000. The same image runs the
# Celery worker and beat (see docker-compose.yml). All configuration comes from the
# environment at run time (see .env.example); nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MTW_MEDIA_ROOT=/app/media

WORKDIR /app

# Dependencies first, so the layer is reused until pyproject.toml changes. The project
# declares no packages: `pip install .` installs only its dependencies.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

# The code runs from the checkout copied into /app, owned by root and read-only to the app user.
COPY . .

# DEBUG is off, so static files go through whitenoise's manifest storage and must be
# collected now. The key below exists only for this build step; it never reaches run time.
RUN DJANGO_SECRET_KEY=build-only-not-secret-0123456789abcdef python manage.py collectstatic --noinput

# Unprivileged user; only the uploads directory (a volume in compose) is writable to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000

# Health: /healthz answers 200 while the database is up. The Host header is the first
# DJANGO_ALLOWED_HOSTS entry, so the check passes ALLOWED_HOSTS wherever the portal is deployed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('DJANGO_ALLOWED_HOSTS') or '127.0.0.1').split(',')[0].strip().lstrip('.'); h = '127.0.0.1' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

CMD ["gunicorn", "mtw_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
