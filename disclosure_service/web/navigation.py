"""The service navigation a user sees, by role."""

from __future__ import annotations

from typing import Any

from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role


def nav_items(principal: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(principal, Principal) or not principal.signed_in:
        return []
    items = [("/", "Home")]
    if principal.role.works_cases:
        items.append(("/cases", "Cases"))
        items.append(("/check-requests", "Checks asked of us"))
        items.append(("/subject-access", "Subject access"))
    if principal.role is Role.supervisor:
        items.append(("/cases/digest", "Deadlines"))
        items.append(("/retention", "Retention"))
        items.append(("/quality", "Quality review"))
    if principal.role in (Role.supervisor, Role.auditor):
        items.append(("/statistics", "Statistics"))
    if principal.role is Role.auditor:
        items.append(("/audit", "Audit trail"))
    if principal.role is Role.admin:
        items.append(("/admin/users", "Users"))
        items.append(("/admin/templates", "Templates"))
        items.append(("/admin/clocks", "Clocks"))
    return [
        {"href": href, "text": text, "current": path == href, "active": href != "/" and path.startswith(href)}
        for href, text in items
    ]


def pagination(base: str, page: int, pages: int) -> dict[str, Any]:
    """GOV.UK pagination: the first, the last and the pages either side of this one, with an
    ellipsis for each gap."""
    items: list[dict[str, Any]] = []
    previous = 0
    for number in sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1))):
        if number > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": str(number), "href": f"{base}{number}", "current": number == page})
        previous = number
    return {
        "previous": {"href": f"{base}{page - 1}"} if page > 1 else None,
        "next": {"href": f"{base}{page + 1}"} if page < pages else None,
        "items": items,
    }
