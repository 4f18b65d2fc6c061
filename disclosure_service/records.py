"""The shape plain rules accept for a row: a dict being written, or a database record read back."""

from __future__ import annotations

from typing import Any, Protocol


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...
