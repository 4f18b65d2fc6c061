"""disclosure-service: case management for the Child Sex Offender Disclosure Scheme."""

import os

__version__ = "0.1.0"

# Piccolo finds its configuration through this variable (its migration commands need it).
os.environ.setdefault("PICCOLO_CONF", "disclosure_service.database.piccolo_conf")
