"""`pip install .` gives a service that can start: the wheel carries the migrations and templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from disclosure_service.database.checks import migration_ids
from tests import cli


def test_the_wheel_carries_migrations_and_templates_and_finds_them_installed(repo_root: Path, tmp_path: Path) -> None:
    built = subprocess.run(  # noqa: S603  # pip, our own arguments
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(repo_root),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("disclosure_service-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        # A pure-Python wheel unpacked is what pip puts in site-packages.
        archive.extractall(tmp_path / "site-packages")  # the wheel we just built
    shipped = "disclosure_service/_shipped/"
    for path in (repo_root / "migrations").glob("*.py"):
        assert f"{shipped}migrations/{path.name}" in names
    for path in (repo_root / "templates").glob("*.docx"):
        assert f"{shipped}templates/{path.name}" in names
    assert "disclosure_service/web/static/app.css" in names
    assert "disclosure_service/web/static/print.css" in names
    assert "disclosure_service/web/templates/layout.html" in names

    # Run from the unpacked wheel, in a folder with no checkout around it: the command line loads,
    # and finds every migration and the document templates inside the package.
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import disclosure_service.cli; from disclosure_service import paths; "
            "from disclosure_service.database.checks import migration_ids; "
            "print(paths.__file__, paths.MIGRATIONS_DIR, len(migration_ids()), "
            "(paths.DOCUMENT_TEMPLATES_DIR / 'undertaking.en.v1.docx').is_file())",
        ],
        env=cli.environment(PYTHONPATH=str(tmp_path / "site-packages")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert where.returncode == 0, where.stderr
    module, migrations, count, template_found = where.stdout.split()
    assert module.startswith(str(tmp_path / "site-packages"))
    assert migrations == str(tmp_path / "site-packages" / shipped / "migrations")
    assert int(count) == len(migration_ids()) > 0
    assert template_found == "True"
