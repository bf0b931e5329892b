"""README's production steps, as a deployment runs them: the package built and installed
into a fresh environment with no checkout beside it, then ``stateset-gql migrate``,
``serve`` and a request, on SQLite and on PostgreSQL (one test: the build is slow)."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import PG_ADMIN_DSN, _postgres_admin, service_missing
from tests.redis_support import free_port
from tests.support import cli_environ

REPO = Path(__file__).resolve().parents[1]


def _install(tmp: Path) -> Path:
    """A fresh venv holding the built package; its dependencies are this one's (seen
    through a .pth file, as no index is needed to install them). Its ``bin`` folder."""
    wheels = tmp / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return venv / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "stateset-gql"), *args],
        cwd=cwd,
        env=cli_environ(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _deploy(bin_dir: Path, cwd: Path, database_url: str) -> None:
    """migrate, serve, and one authenticated request answered."""
    env = {"STATESET_DATABASE_URL": database_url, "STATESET_ENV": "test"}
    migrated = _run(bin_dir, cwd, "migrate", **env)
    assert migrated.returncode == 0, migrated.stderr
    assert "newest migration" in migrated.stdout
    made = _run(bin_dir, cwd, "accounts", "create", "--name", "Installed", "--json", **env)
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["keys"]["sk_test"]
    port = free_port()
    log = (cwd / f"serve-{port}.log").open("w")
    server = subprocess.Popen(
        [str(bin_dir / "stateset-gql"), "serve", "--port", str(port)],
        cwd=cwd,
        env=cli_environ(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            while True:
                assert server.poll() is None, (cwd / f"serve-{port}.log").read_text()
                assert time.monotonic() < deadline, "serve never answered /health"
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            me = client.get("/v1/account", headers={"Authorization": f"Bearer {key}"})
            assert me.status_code == 200, me.text
            # The dashboard's templates and static files are in the package.
            sign_in = client.get("/dashboard/sign-in")
            assert sign_in.status_code == 200, sign_in.text
            scripts = re.findall(r'src="(/dashboard/static/[^"]+)"', sign_in.text)
            styles = re.findall(r'href="(/dashboard/static/[^"]+)"', sign_in.text)
            assert len(scripts) == 2, sign_in.text
            for asset in [*scripts, *styles]:
                assert client.get(asset).status_code == 200, asset
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_an_installed_package_migrates_serves_and_answers_on_both_backends(
    tmp_path: Path,
) -> None:
    bin_dir = _install(tmp_path)
    where = tmp_path / "elsewhere"  # no checkout here, nor migrations
    where.mkdir()
    located = subprocess.run(
        [str(bin_dir / "python"), "-c", "import stateset_gql; print(stateset_gql.__file__)"],
        cwd=where,
        env=cli_environ(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert located.startswith(str(tmp_path / "venv")), located

    _deploy(bin_dir, where, f"sqlite:///{where / 'stateset.db'}")

    name = f"stateset_install_{secrets.token_hex(4)}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        service_missing("PostgreSQL", exc)
    try:
        # The URL as hosting providers give it: no driver named.
        _deploy(bin_dir, where, f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{name}")
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
