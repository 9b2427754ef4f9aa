"""The package as a newcomer installs it: `pip install .` (a wheel, not the source tree).

The wheel is built offline with the test environment's own setuptools
(`--no-build-isolation`: an isolated build would fetch setuptools from the package
index, and a test must not depend on the network), installed with `--no-deps` into a
fresh virtual environment that borrows the already-installed dependencies of the test
environment through a `.pth` line (again: no download), and then both demos run from
there, in a folder outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def _source_files() -> list[str]:
    """The repository's files as a fresh clone would have them (plus new, unignored
    ones), relative to its root."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if (REPO / line).is_file()]


def test_every_package_of_the_tree_is_listed_in_pyproject():
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for top in ("bot", "webhooks")
        for p in (REPO / top).rglob("__init__.py")
    }
    assert _listed_packages() == found | {"bot.schema_files"}


def test_a_wheel_installed_in_a_fresh_venv_runs_both_demos(tmp_path):
    # Build from a copy, so the build leaves nothing in the working tree.
    src = tmp_path / "src"
    files = _source_files()
    for rel in files:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, src / rel)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "--check-build-dependencies"]
    subprocess.run([*build, "-q", "-w", str(dist), str(src)], check=True, capture_output=True)
    (wheel,) = dist.glob("authorbot-*.whl")

    # Every file of the product is in it: the code, the sample data, the form, the
    # page's templates and assets, and the schemas (as bot/schema_files/).
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        f"bot/schema_files/{Path(rel).name}" if rel.startswith("schemas/") else rel
        for rel in files
        if rel.split("/")[0] in ("bot", "webhooks", "schemas")
    }
    assert sorted(wanted - inside) == []

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies (Flask, PyGithub, ...) from the test environment. A directory
    # named in a .pth file is only appended to sys.path; the .pth files inside it (the
    # editable install of this very source tree among them) are not run.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(fresh_site) / "authorbot-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=outside, env=env, capture_output=True, text=True, timeout=300
        )

    where = run(
        str(python), "-c", "import bot, bot.schemas; print(bot.__file__, bot.schemas.SCHEMA_DIR)"
    )
    assert where.returncode == 0, where.stderr
    module, schemas = where.stdout.split()
    assert module.startswith(fresh_site) and schemas.startswith(fresh_site)

    authorbot = str(venv / "bin" / "authorbot")
    engine = run(authorbot, "demo", "--engine-only")
    assert engine.returncode == 0, engine.stderr
    assert "Applied: wrote data/xml/" in engine.stdout
    assert "[orcid-checksum]" in engine.stdout
    loop = run(authorbot, "demo")
    assert loop.returncode == 0, loop.stderr
    assert "Pull request #2: Author page valentin-barriere: verify (#1)" in loop.stdout
    # The demo runs on today's files (data/json/people.json) by default.
    assert '+  "valentin-barriere": {\n' in loop.stdout
    assert '+    "degree": "Télécom Paris",\n' in loop.stdout
