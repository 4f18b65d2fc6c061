"""Check every installed package against the known-vulnerability database (pip-audit).

Exit status: 0 every package was checked and none has a known vulnerability; 1 at least one has
(each is listed); 3 the audit could not be done, for example because the vulnerability data could
not be reached from this machine (which packages, and why, is printed). pip-audit on its own
reports "No known vulnerabilities found" and exits 0 even when it could check nothing, so its
answer is read here rather than trusted.

Usage: python scripts/audit_dependencies.py (from the virtual environment to audit).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

EXIT_VULNERABLE = 1
EXIT_NOT_AUDITED = 3


def main() -> int:
    result = subprocess.run(  # a fixed command
        [sys.executable, "-m", "pip_audit", "--format", "json", "--skip-editable", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"dependency audit NOT DONE: pip-audit failed ({last})")
        return EXIT_NOT_AUDITED
    code, lines = judge(report)
    print("\n".join(lines))
    return code


def judge(report: dict[str, Any]) -> tuple[int, list[str]]:
    """The exit status and the lines to print for pip-audit's JSON report."""
    lines: list[str] = []
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} (fixed in: {fixed})")
    if vulnerable:
        lines.append(
            f"dependency audit FAILED: {len(vulnerable)} of {len(packages)} packages have known vulnerabilities"
        )
        return EXIT_VULNERABLE, lines
    if skipped or not packages:
        reason = skipped[0]["skip_reason"] if skipped else "pip-audit listed no packages"
        lines.append(
            f"dependency audit NOT DONE: {len(skipped)} of {len(packages)} packages could not be checked; "
            f"the first: {reason}"
        )
        return EXIT_NOT_AUDITED, lines
    lines.append(f"dependency audit passed: {len(packages)} packages, no known vulnerabilities")
    return 0, lines


if __name__ == "__main__":
    sys.exit(main())
