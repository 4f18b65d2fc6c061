"""Piccolo's configuration module (PICCOLO_CONF points here).

The engine is replaced at start-up by `disclosure_service.database` once the real URL is known
(an embedded server's address is only known after it starts). For the `piccolo` CLI, used to
write new migrations, it reads DATABASE_URL.
"""

from __future__ import annotations

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from disclosure_service.database.piccolo_engine import make_engine

DB: PostgresEngine = make_engine(os.environ.get("DATABASE_URL", "postgresql://localhost/disclosure"))

APP_REGISTRY = AppRegistry(apps=["disclosure_service.database.piccolo_app"])
