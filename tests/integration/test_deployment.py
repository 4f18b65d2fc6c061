"""The deployment files agree with the settings the service reads.

docker-compose.yml, the Dockerfile and .env.example are read (Docker itself is not needed) and
checked against `disclosure_service.settings.SETTINGS`, the single list of environment variables.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pytest
import yaml

from disclosure_service.settings import SETTINGS

REQUIRED_IN_PRODUCTION = [s.name for s in SETTINGS if s.required_in_production]
SECRET_SETTINGS = [s.name for s in SETTINGS if s.secret]
SETTING_NAMES = frozenset(s.name for s in SETTINGS)
# Secrets a deployment may go without (no digest email without a mail server).
OPTIONAL_SECRETS = frozenset({"SMTP_URL", "REPLICA_DATABASE_URL"})
ROOT_USERS = frozenset({"root", "0"})
APP = "app"
MIGRATE = "migrate"
DATABASE = "db"

# Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME:?message} (also without the colon) and
# $NAME; $$ is compose's escape for a literal dollar sign and is not a variable.
VARIABLE_USE = re.compile(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)")
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
REQUIRED_VARIABLE = re.compile(r"(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*:?\?")
ENV_FILE_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=")
CONTINUATION = re.compile(r"\\[ \t]*\n")


# --- reading the files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose(repo_root: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((repo_root / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "docker-compose.yml is not a mapping"
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose.get("services")
    assert isinstance(found, dict), "docker-compose.yml has no services"
    assert APP in found, "docker-compose.yml has no app service"
    assert DATABASE in found, "docker-compose.yml has no db service"
    return found


@pytest.fixture(scope="module")
def app_environment(services: dict[str, dict[str, Any]]) -> dict[str, str | None]:
    return environment_of(services[APP])


@pytest.fixture(scope="module")
def compose_variables(compose: dict[str, Any]) -> set[str]:
    """Every variable docker-compose.yml takes from the environment or .env (comments excluded)."""
    return {name for text in strings_in(compose) for name in VARIABLE_USE.findall(text)}


@pytest.fixture(scope="module")
def env_example(repo_root: Path) -> list[str]:
    """The variable names .env.example sets, in order."""
    names = []
    for line in (repo_root / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ENV_FILE_LINE.match(line.strip())
        if match:
            names.append(match.group(1))
    return names


@pytest.fixture(scope="module")
def dockerfile_final_stage(repo_root: Path) -> list[tuple[str, str]]:
    """The instructions after the Dockerfile's last FROM, as (INSTRUCTION, arguments)."""
    instructions = dockerfile_instructions((repo_root / "Dockerfile").read_text(encoding="utf-8"))
    froms = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert froms, "the Dockerfile has no FROM"
    return instructions[froms[-1] + 1 :]


def environment_of(service: dict[str, Any]) -> dict[str, str | None]:
    """A service's `environment`, in either of compose's forms (mapping or list of NAME=value)."""
    raw = service.get("environment") or {}
    if isinstance(raw, dict):
        return {str(k): None if v is None else str(v) for k, v in raw.items()}
    environment: dict[str, str | None] = {}
    for item in raw:
        name, sep, value = str(item).partition("=")
        environment[name] = value if sep else None
    return environment


def strings_in(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def with_placeholders(value: str) -> str:
    """Interpolate as compose would, with defaults for ${X:-d} and a stand-in for required ones."""

    def substitute(match: re.Match[str]) -> str:
        op = match.group("op") or ""
        return match.group("arg") if op.endswith("-") else f"given-{match.group('name').lower()}"

    return INTERPOLATION.sub(substitute, value)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    # Docker drops comment lines, even inside a continued instruction, then joins continuations.
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = CONTINUATION.sub(" ", "\n".join(lines) + "\n")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def command_words(command: str | list[str]) -> list[str]:
    """A Dockerfile CMD (exec form is JSON) or a compose command (list or string) as words."""
    if isinstance(command, list):
        return [str(word) for word in command]
    if command.lstrip().startswith("["):
        words = json.loads(command)
        assert isinstance(words, list)
        return [str(word) for word in words]
    return shlex.split(command)


def workers_of(words: list[str]) -> int:
    for i, word in enumerate(words):
        if word == "--workers" and i + 1 < len(words):
            return int(words[i + 1])
        if word.startswith("--workers="):
            return int(word.removeprefix("--workers="))
    return 1  # the command's default


def runs_serve(words: list[str]) -> bool:
    return any(
        word.rsplit("/", 1)[-1] == "disclosure-service" and words[i + 1 : i + 2] == ["serve"]
        for i, word in enumerate(words)
    )


def database_url(environment: dict[str, str | None], name: str) -> SplitResult:
    value = environment.get(name)
    assert value, f"{name} has no value in the app service"
    return urlsplit(with_placeholders(value))


# --- docker-compose.yml ----------------------------------------------------------------------------


@pytest.mark.parametrize("setting", REQUIRED_IN_PRODUCTION)
def test_every_setting_production_requires_is_given_to_the_app(
    app_environment: dict[str, str | None], setting: str
) -> None:
    assert setting in app_environment, f"docker-compose.yml does not give {setting} to the app service"
    assert app_environment[setting] != "", f"docker-compose.yml gives {setting} an empty value"


def test_the_app_runs_in_production(app_environment: dict[str, str | None]) -> None:
    assert app_environment.get("APP_ENV") == "production"


def test_the_app_is_only_given_settings_the_service_reads(app_environment: dict[str, str | None]) -> None:
    assert set(app_environment) <= SETTING_NAMES, set(app_environment) - SETTING_NAMES


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS if s.secret and s.name in OPTIONAL_SECRETS])
def test_optional_secrets_come_from_the_environment_and_may_be_left_out(
    app_environment: dict[str, str | None], setting: str
) -> None:
    assert (app_environment.get(setting) or "") == f"${{{setting}:-}}", f"{setting} must be ${{{setting}:-}}"


@pytest.mark.parametrize("setting", [name for name in SECRET_SETTINGS if name not in OPTIONAL_SECRETS])
def test_secrets_come_from_the_environment_and_compose_refuses_to_start_without_them(
    services: dict[str, dict[str, Any]], app_environment: dict[str, str | None], setting: str
) -> None:
    where = environment_of(services[MIGRATE]) if setting == "DATABASE_URL" else app_environment
    value = where.get(setting) or ""
    assert REQUIRED_VARIABLE.search(value), (
        f"{setting} must be built from ${{VARIABLE:?message}} interpolation, not written in the file"
    )


def test_the_database_password_comes_from_the_environment(services: dict[str, dict[str, Any]]) -> None:
    value = environment_of(services[DATABASE]).get("POSTGRES_PASSWORD") or ""
    assert REQUIRED_VARIABLE.search(value), "POSTGRES_PASSWORD must be ${POSTGRES_PASSWORD:?message}"


def test_the_owners_address_is_given_to_the_migrations_only(
    services: dict[str, dict[str, Any]], app_environment: dict[str, str | None]
) -> None:
    assert "DATABASE_URL" not in app_environment, "the web service must not hold the schema owner's password"
    assert "DATABASE_URL" in environment_of(services[MIGRATE])


def test_the_web_service_connects_as_a_different_role_from_the_schema_owner(
    services: dict[str, dict[str, Any]], app_environment: dict[str, str | None]
) -> None:
    owner = database_url(environment_of(services[MIGRATE]), "DATABASE_URL")
    app = database_url(app_environment, "APP_DATABASE_URL")
    assert owner.scheme in {"postgres", "postgresql"}
    assert app.scheme in {"postgres", "postgresql"}
    assert owner.username
    assert app.username
    assert owner.username != app.username, "migrate refuses the same role for both URLs"
    assert app.password, "migrate sets the app role's password from APP_DATABASE_URL; it needs one"


def test_both_database_urls_point_at_the_compose_database(
    services: dict[str, dict[str, Any]], app_environment: dict[str, str | None]
) -> None:
    migrations = environment_of(services[MIGRATE])
    owner = database_url(migrations, "DATABASE_URL")
    app = database_url(app_environment, "APP_DATABASE_URL")
    assert migrations["APP_DATABASE_URL"] == app_environment["APP_DATABASE_URL"], "migrate creates this role"
    assert owner.hostname == DATABASE
    assert app.hostname == DATABASE
    assert (owner.port, owner.path) == (app.port, app.path)


def test_only_the_app_publishes_ports_and_only_on_loopback(services: dict[str, dict[str, Any]]) -> None:
    publishing = sorted(name for name, service in services.items() if service.get("ports"))
    assert publishing == [APP]
    assert all(str(port).startswith("127.0.0.1:") for port in services[APP]["ports"])


def test_the_database_is_only_on_internal_networks(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    networks = services[DATABASE].get("networks")
    assert networks, "the db service must name its networks (the default one is not internal)"
    declared = compose.get("networks") or {}
    for network in networks:
        assert (declared.get(network) or {}).get("internal") is True, f"network {network} is not internal"


def test_migrations_wait_for_the_database_and_the_app_for_the_migrations(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "healthcheck" in services[DATABASE]
    assert services[MIGRATE]["depends_on"][DATABASE]["condition"] == "service_healthy"
    assert services[APP]["depends_on"][MIGRATE]["condition"] == "service_completed_successfully"
    assert command_words(services[MIGRATE]["command"])[-1] == "migrate"


def test_the_app_serves_with_several_workers(
    services: dict[str, dict[str, Any]], dockerfile_final_stage: list[tuple[str, str]]
) -> None:
    command = services[APP].get("command")
    if command is None:  # the image's CMD
        command = [args for keyword, args in dockerfile_final_stage if keyword == "CMD"][-1]
    words = command_words(command)
    assert runs_serve(words), words
    assert "--no-migrate" in words, "the migrate service migrates; the web service has no owner's password"
    assert workers_of(words) > 1, words


# --- docs/operations.md ----------------------------------------------------------------------------


def test_the_settings_table_in_the_operations_guide_lists_exactly_the_settings(repo_root: Path) -> None:
    text = (repo_root / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text[text.index("## Settings") :]
    section = section[: section.index("\n---")]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted(SETTING_NAMES)


def test_every_optional_setting_can_be_given_to_the_app(app_environment: dict[str, str | None]) -> None:
    # The owner's address is for migrate only; DATA_DIR holds nothing in production.
    withheld = {"DATABASE_URL", "DATA_DIR"}
    assert SETTING_NAMES - withheld <= set(app_environment), SETTING_NAMES - withheld - set(app_environment)


# --- .env.example ----------------------------------------------------------------------------------


def test_every_variable_in_the_env_example_is_a_setting_or_a_database_credential(
    env_example: list[str],
) -> None:
    unknown = [
        name
        for name in env_example
        if name not in SETTING_NAMES and not name.startswith("POSTGRES_") and "PASSWORD" not in name
    ]
    assert not unknown, f".env.example sets variables that are neither settings nor credentials: {unknown}"


def test_every_variable_in_the_env_example_is_used_by_docker_compose(
    env_example: list[str], compose_variables: set[str]
) -> None:
    unused = [name for name in env_example if name not in compose_variables]
    assert not unused, f".env.example sets variables docker-compose.yml never passes on: {unused}"


def test_every_variable_docker_compose_uses_is_in_the_env_example(
    env_example: list[str], compose_variables: set[str]
) -> None:
    missing = sorted(compose_variables - set(env_example))
    assert not missing, f"docker-compose.yml uses variables .env.example does not list: {missing}"


def test_the_env_example_sets_each_variable_once(env_example: list[str]) -> None:
    assert len(env_example) == len(set(env_example))


# --- Dockerfile and .dockerignore --------------------------------------------------------------------


def test_the_image_serves_with_several_workers(dockerfile_final_stage: list[tuple[str, str]]) -> None:
    commands = [args for keyword, args in dockerfile_final_stage if keyword == "CMD"]
    assert commands, "the Dockerfile's final stage has no CMD"
    words = command_words(commands[-1])
    assert runs_serve(words), words
    assert workers_of(words) > 1, words


def test_the_image_does_not_run_as_root(dockerfile_final_stage: list[tuple[str, str]]) -> None:
    users = [args for keyword, args in dockerfile_final_stage if keyword == "USER"]
    assert users, "the Dockerfile's final stage has no USER, so the service would run as root"
    user = users[-1].split(":", 1)[0].strip()
    assert user not in ROOT_USERS


def test_the_image_defaults_to_production(dockerfile_final_stage: list[tuple[str, str]]) -> None:
    environment: dict[str, str] = {}
    for keyword, args in dockerfile_final_stage:
        if keyword == "ENV":
            for word in shlex.split(args):
                name, _, value = word.partition("=")
                environment[name] = value
    assert environment.get("APP_ENV") == "production"


def test_the_build_context_leaves_out_secrets_and_local_state(repo_root: Path) -> None:
    lines = (repo_root / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = {line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")}
    assert {".env", ".venv", "var", ".git", "node_modules", "test-results"} <= patterns
