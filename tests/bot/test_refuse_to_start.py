"""`authorbot serve` and `authorbot worker` refuse to start without credentials, naming
the variables to set (exit 2, at once), instead of answering 202 and failing every
job later. Started with the stand-ins' credentials they run (tests/e2e/test_serve.py,
tests/e2e/test_worker_crash.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import Settings, SettingsError


def start(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("AUTHORBOT_", "GITHUB_", "ORCID_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**clean, "AUTHORBOT_STATE_DIR": "/nonexistent/never-made", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


TOKEN = "GITHUB_TOKEN (or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)"


@pytest.mark.parametrize(
    "args, env, missing",
    [
        (["serve"], {}, f"AUTHORBOT_WEBHOOK_SECRET and {TOKEN}"),
        (["serve"], {"AUTHORBOT_WEBHOOK_SECRET": "s"}, TOKEN),
        (["serve", "--no-worker"], {}, "AUTHORBOT_WEBHOOK_SECRET"),
        (["worker"], {"AUTHORBOT_WEBHOOK_SECRET": "s"}, TOKEN),
        (
            ["worker"],
            {"GITHUB_APP_ID": "12345"},
            "GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_PATH)",
        ),
        (["worker"], {"GITHUB_APP_PRIVATE_KEY": "-----BEGIN"}, "GITHUB_APP_ID"),
    ],
)
def test_refuses_to_start_naming_what_is_missing(args, env, missing):
    r = start(*args, **env)
    assert r.returncode == 2, r.stderr
    assert r.stderr == (
        f"authorbot: {args[0]} cannot start without {missing} in its environment "
        "(see docs/BOT.md, Deploy).\n"
    )
    assert r.stdout == ""


def test_an_unreadable_private_key_file_is_named(tmp_path):
    key = tmp_path / "app.pem"
    r = start("worker", GITHUB_APP_ID="1", GITHUB_APP_PRIVATE_KEY_PATH=str(key))
    assert r.returncode == 2
    assert r.stderr == (
        f"authorbot: GITHUB_APP_PRIVATE_KEY_PATH names {key}, which cannot be read "
        "(No such file or directory).\n"
    )


def test_what_each_part_needs():
    env = {"GITHUB_TOKEN": "t"}
    assert Settings.from_env(env).missing(endpoint=True, worker=True) == [
        "AUTHORBOT_WEBHOOK_SECRET"
    ]
    assert Settings.from_env(env).missing(endpoint=False, worker=True) == []
    app = {"AUTHORBOT_WEBHOOK_SECRET": "s", "GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY": "k"}
    assert Settings.from_env(app).missing(endpoint=True, worker=True) == []
    with pytest.raises(SettingsError, match="^worker cannot start without GITHUB_TOKEN"):
        Settings.from_env({}).require("worker", endpoint=False, worker=True)
