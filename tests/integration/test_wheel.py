"""`pip install .` gives a service that can start: the wheel carries the migrations and templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from disclosure_service.database.checks import migration_ids
from tests import cli, database


async def test_the_wheel_carries_migrations_and_templates_and_migrates_from_them(
    repo_root: Path, server_url: str, tmp_path: Path
) -> None:
    built = subprocess.run(  # noqa: ASYNC221, S603  # pip, our own arguments
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(repo_root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("disclosure_service-*.whl")  # noqa: ASYNC240  # nothing else runs meanwhile
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
    assert "disclosure_service/web/templates/layout.html" in names

    # Run from the unpacked wheel, in a folder with no checkout around it.
    env = cli.environment(PYTHONPATH=str(tmp_path / "site-packages"))
    where = subprocess.run(  # noqa: ASYNC221
        [
            sys.executable,
            "-c",
            "from disclosure_service import paths; print(paths.__file__); print(paths.MIGRATIONS_DIR); "
            "print((paths.DOCUMENT_TEMPLATES_DIR / 'undertaking.en.v1.docx').is_file())",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert where.returncode == 0, where.stderr
    module, migrations, template_found = where.stdout.split()
    assert module.startswith(str(tmp_path / "site-packages"))
    assert migrations == str(tmp_path / "site-packages" / shipped / "migrations")
    assert template_found == "True"

    fresh = await database.create_database(server_url)
    try:
        env.update(DATABASE_URL=fresh.owner_url, APP_DATABASE_URL=fresh.app_url)
        migrated = subprocess.run(  # noqa: ASYNC221
            [sys.executable, "-m", "disclosure_service", "migrate"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert migrated.returncode == 0, migrated.stderr
        assert migrated.stdout.count("applied migration") == len(migration_ids())
    finally:
        await database.drop_database(fresh)
