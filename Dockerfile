# syntax=docker/dockerfile:1
# The disclosure service as a container image. docker-compose.yml shows how to run it with PostgreSQL.
#
# The repository layout is the deployment layout: the package reads migrations/ and templates/ from
# the folder above it (disclosure_service/paths.py), so the code lives in /app and is installed in
# editable mode, never copied into site-packages.

# --- build: a virtual environment with the pinned dependencies, then the service itself -------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# Dependencies first, from pyproject.toml's pinned list (no dev extras), so that a code change does
# not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && pip install --requirement /tmp/requirements.txt

COPY disclosure_service/ disclosure_service/
COPY migrations/ migrations/
# templates/ (document templates) may be empty, and git does not keep an empty folder: the wildcard
# lets the build work from a fresh clone without it, and the folder exists either way.
RUN mkdir -p templates
COPY template[s] templates/
RUN pip install --no-deps --editable . \
    && python -m compileall -q disclosure_service

# --- runtime: the same base image, the virtual environment and /app, and an unprivileged user ----------
FROM python:3.11-slim AS runtime

RUN groupadd --system --gid 10001 disclosure \
    && useradd --system --uid 10001 --gid disclosure --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin disclosure

# Owned by root: the service's user can read its code but not change it.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    APP_ENV=production
WORKDIR /app
USER 10001:10001

EXPOSE 8000
# `serve` migrates before it listens, so allow a first start some time. No curl in slim: Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["disclosure-service", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
