"""Where the service's files are. The repository layout is the deployment layout (see Dockerfile)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parent
MIGRATIONS_DIR = ROOT_DIR / "migrations"
DOCUMENT_TEMPLATES_DIR = ROOT_DIR / "templates"
WEB_TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"
STATIC_DIR = PACKAGE_DIR / "web" / "static"
