"""The GraphQL-native client examples of docs/graphql-clients, run as their READMEs say:
each client generated from schema.graphql by its own tools (ariadne-codegen for Python,
GraphQL Code Generator for TypeScript), type-checked strictly, and run against a live
server; a wrong enum value in either example does not type-check.

Once, on SQLite: the clients speak GraphQL, the database is the server's business. Each
example is copied beside a copy of schema.graphql (its config reads
../../../schema.graphql), so generated code never lands in the checkout. The tools come
from PyPI and the npm registry, installed once into .cache/graphql-clients/ (git-ignored)
and reused while requirements.txt or package-lock.json is unchanged.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support import Account, LiveServer, cli_environ

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "docs" / "graphql-clients"
CACHE = REPO / ".cache" / "graphql-clients"
GENERATED = ("stateset_graphql", "gql", "node_modules", ".venv", ".mypy_cache")
INSTALL_SECONDS = 600
RUN_SECONDS = 120

# The suite's ``server`` on SQLite only.
ONCE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _run(argv: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=cli_environ(**env),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (
        f"{done.args} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    )
    return done.stdout


def _cached(name: str, pins: Path, build: Callable[[Path], None]) -> Path:
    """``.cache/graphql-clients/<name>-<digest of pins>``, built by ``build`` unless an
    earlier run finished it; older builds of ``name`` are removed."""
    place = CACHE / f"{name}-{hashlib.sha256(pins.read_bytes()).hexdigest()[:12]}"
    finished = place / ".finished"
    if not finished.exists():
        for old in CACHE.glob(f"{name}-*"):
            shutil.rmtree(old)
        place.mkdir(parents=True)
        build(place)
        finished.touch()
    return place


def _install(argv: list[str | Path], cwd: Path) -> None:
    done = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=INSTALL_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{done.args} failed:\n{done.stdout}{done.stderr}"


def _copy(example: str, tmp: Path) -> Path:
    """The example's sources at the same depth below a copy of schema.graphql."""
    shutil.copy(REPO / "schema.graphql", tmp / "schema.graphql")
    work = tmp / "docs" / "graphql-clients" / example
    shutil.copytree(EXAMPLES / example, work, ignore=shutil.ignore_patterns(*GENERATED))
    return work


@pytest.fixture(scope="session")
def python_tools() -> Path:
    """A venv holding requirements.txt (ariadne-codegen, the client's httpx and pydantic,
    mypy): its ``bin`` folder."""
    requirements = EXAMPLES / "python" / "requirements.txt"

    def build(place: Path) -> None:
        _install([sys.executable, "-m", "venv", place / "venv"], place)
        pip: list[str | Path] = [place / "venv" / "bin" / "python", "-m", "pip"]
        _install([*pip, "install", "-q", "-r", requirements], place)

    return _cached("python", requirements, build) / "venv" / "bin"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``npm ci`` of the TypeScript example's package-lock.json."""
    folder = EXAMPLES / "typescript"

    def build(place: Path) -> None:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(folder / name, place / name)
        _install(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], place)

    return _cached("typescript", folder / "package-lock.json", build) / "node_modules"


def _lines(output: str) -> dict[str, str]:
    """The example's output by each line's first word."""
    return {line.split(" ", 1)[0]: line for line in output.splitlines() if line.strip()}


@ONCE
def test_the_python_client_ariadne_codegen_writes_is_typed_and_runs(
    server: LiveServer, account: Account, python_tools: Path, tmp_path: Path
) -> None:
    work = _copy("python", tmp_path)
    # mypy's cache beside the tools: the generated client's imports (pydantic, httpx) are
    # checked once, not on every run.
    mypy = {"MYPY_CACHE_DIR": str(python_tools.parent.parent / "mypy-cache")}

    _ok(_run([python_tools / "ariadne-codegen"], work))
    assert (work / "stateset_graphql" / "client.py").exists()
    _ok(_run([python_tools / "mypy"], work, **mypy))

    output = _ok(
        _run(
            [python_tools / "python", "example.py"],
            work,
            STATESET_API_KEY=account.sk_test,
            STATESET_BASE_URL=server.base_url,
        )
    )
    lines = _lines(output)
    assert re.fullmatch(r"stocked MUG-\w+: 10 available", lines["stocked"]), output
    customer = re.fullmatch(r"customer (cus_\w+) ada\+\w+@example\.com", lines["customer"])
    order = re.fullmatch(r"order (ord_\w+) PENDING 3000 USD", lines["order"])
    assert customer is not None, output
    assert order is not None, output
    assert lines["declined"] == "declined card_error CARD_DECLINED decline_code=generic_decline"
    paid = re.fullmatch(
        rf"paid {order[1]} PAID 3000 \((pay_\w+) FAILED, (pay_\w+) SUCCEEDED\)", lines["paid"]
    )
    assert paid is not None, output
    assert lines["listed"] == f"listed paid orders of {customer[1]}: 1 [{order[1]}]"

    # What the example did, as REST reads it.
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {account.sk_test}"}
    ) as rest:
        stored = rest.get(f"/v1/orders/{order[1]}").json()
    assert (stored["status"], stored["amount_paid"], stored["customer_id"]) == (
        "paid",
        3000,
        customer[1],
    )

    # The types are the schema's: an enum member it lacks is caught before running.
    wrong = work / "wrong.py"
    wrong.write_text(
        (work / "example.py").read_text().replace("OrderStatus.PAID", "OrderStatus.PAYED")
    )
    refused = _run([python_tools / "mypy", "wrong.py", "stateset_graphql"], work, **mypy)
    assert refused.returncode == 1, refused.stdout
    assert '"type[OrderStatus]" has no attribute "PAYED"' in refused.stdout


@ONCE
def test_the_typescript_types_codegen_writes_check_and_run_over_fetch_and_graphql_ws(
    server: LiveServer, account: Account, node_modules: Path, tmp_path: Path
) -> None:
    work = _copy("typescript", tmp_path)
    (work / "node_modules").symlink_to(node_modules, target_is_directory=True)

    _ok(_run(["npm", "run", "--silent", "codegen"], work))
    assert (work / "gql" / "graphql.ts").exists()
    _ok(_run(["npm", "run", "--silent", "typecheck"], work))

    output = _ok(
        _run(
            ["npm", "run", "--silent", "example"],
            work,
            STATESET_API_KEY=account.sk_test,
            STATESET_BASE_URL=server.base_url,
        )
    )
    lines = _lines(output)
    assert lines["account"] == f"account {account.id} (test mode)"
    assert re.fullmatch(r"stocked MUG-\w+: 10 available", lines["stocked"]), output
    customer = re.fullmatch(r"customer (cus_\w+) grace\+\w+@example\.com", lines["customer"])
    assert customer is not None, output
    received = re.fullmatch(
        rf"received customer\.created (evt_\w+) for {customer[1]} \(sequence (\d+)\)",
        lines["received"],
    )
    assert received is not None, output
    order = re.fullmatch(r"order (ord_\w+) PENDING 3000 USD", lines["order"])
    assert order is not None, output
    assert re.fullmatch(rf"pending orders: 1, {order[1]} among them", lines["pending"]), output
    assert lines["refused"].startswith("refused invalid_request_error "), output
    assert "Insufficient stock" in lines["refused"]

    # The event is the server's: the one customer.created of this account.
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {account.sk_test}"}
    ) as rest:
        event = rest.get(f"/v1/events/{received[1]}").json()
    assert (event["type"], event["data"]["object"]["id"]) == ("customer.created", customer[1])

    # The types are the schema's: an OrderStatus it lacks does not compile.
    example = work / "example.ts"
    example.write_text(example.read_text().replace('statuses: ["PENDING"]', 'statuses: ["PENDNG"]'))
    refused = _run(["npm", "run", "--silent", "typecheck"], work)
    assert refused.returncode != 0, refused.stdout
    assert '"PENDNG"' in refused.stdout


def test_the_examples_folders_hold_no_generated_code() -> None:
    """The generated client and types are the tests' to write, never checked in."""
    tracked = subprocess.run(
        ["git", "ls-files", "docs/graphql-clients"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not tracked and not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    assert not [path for path in tracked if set(Path(path).parts) & set(GENERATED)]
    assert "docs/graphql-clients/typescript/package-lock.json" in tracked
