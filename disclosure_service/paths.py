"""Where the service's files are.

In a checkout (and the Docker image, which installs it in editable mode) migrations/ and
templates/ are at the top of the repository; an installed wheel carries them in the package's
`_shipped/` folder (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parent
_SHIPPED = PACKAGE_DIR / "_shipped"
# The package's own copy first: in site-packages, a top-level migrations/ could be anyone's.
_BASE = _SHIPPED if (_SHIPPED / "migrations").is_dir() else ROOT_DIR
MIGRATIONS_DIR = _BASE / "migrations"
DOCUMENT_TEMPLATES_DIR = _BASE / "templates"
WEB_TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"
STATIC_DIR = PACKAGE_DIR / "web" / "static"
