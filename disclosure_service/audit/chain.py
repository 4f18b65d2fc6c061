"""The hash chain's arithmetic: what a row's hash covers. Plain functions, no I/O.

Writer and verifier both build a row's bytes here, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from disclosure_service.records import Row

GENESIS = "0" * 64
CHAIN_COUNT = 16

# Every column a row's hash covers, in a fixed order (all but the row id and the hash itself).
HASHED_FIELDS = (
    "chain",
    "seq",
    "prev_hash",
    "occurred_at",
    "force",
    "user",
    "username",
    "operation",
    "event",
    "application_id",
    "reference",
    "record_type",
    "record_id",
    "justification",
    "recipients",
    "details",
    "ip",
    "user_agent",
    "request_id",
)


def canonical_details(details: Mapping[str, Any] | str | None) -> str:
    """JSON with sorted keys and no spaces; jsonb's own spelling is parsed and re-spelt."""
    value = json.loads(details) if isinstance(details, str) else (details or {})
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: Row) -> str:
    """SHA-256 over the previous hash and the row's content, as the verifier will read it back."""
    values: dict[str, Any] = {}
    for field in HASHED_FIELDS:
        value = row[field]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif field == "details":
            value = canonical_details(value)
        values[field] = value
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
