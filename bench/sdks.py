"""The SDKs' cost: the Python SDK's overhead a call against a bare httpx call, and paging
10,000 orders with each SDK (its auto-paging, 100 a page) against a bare httpx loop.

Seeds one account (as ``bench/run.py`` does), serves it, then measures side by side in
one run. Each SDK pages with its own ``examples/page_all`` program, which prints
``{"count": N, "seconds": S}``; a language that is not installed is reported, not run.

    python bench/sdks.py [--database sqlite|postgres|auto] [--seed 10000] [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sdks" / "python"))

import stateset

from bench.environment import free_port, fresh_database, serve
from bench.run import seed
from stateset_gql.db import migrate

SDKS = Path(__file__).resolve().parent.parent / "sdks"
PAGE = 100
GO_ENV = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local"}
PAGERS = {
    "python": [sys.executable, "examples/page_all.py"],
    "node": ["node", "examples/page_all.mjs"],
    "go": ["go", "run", "./examples/page_all"],
    "ruby": ["ruby", "-Ilib", "examples/page_all.rb"],
}


def overhead(base_url: str, key: str, calls: int) -> tuple[float, float]:
    """Median seconds a call: ``client.account.retrieve()`` and the same GET with httpx,
    interleaved in rounds of 100 so both see the same machine."""
    sdk_times: list[float] = []
    bare_times: list[float] = []
    headers = {"Authorization": f"Bearer {key}"}
    with (
        stateset.Client(api_key=key, base_url=base_url) as client,
        httpx.Client(base_url=base_url, headers=headers) as bare,
    ):
        client.account.retrieve()
        bare.get("/v1/account").raise_for_status()
        for _ in range(calls // 100):
            for _ in range(100):
                started = time.perf_counter()
                client.account.retrieve()
                sdk_times.append(time.perf_counter() - started)
            for _ in range(100):
                started = time.perf_counter()
                bare.get("/v1/account").raise_for_status()
                bare_times.append(time.perf_counter() - started)
    return statistics.median(sdk_times), statistics.median(bare_times)


def bare_paging(base_url: str, key: str) -> tuple[int, float]:
    """Every order, 100 a page, with httpx and nothing else."""
    count, cursor = 0, None
    started = time.perf_counter()
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}) as http:
        while True:
            params: dict[str, str | int] = {"limit": PAGE}
            if cursor:
                params["cursor"] = cursor
            page = http.get("/v1/orders", params=params).raise_for_status().json()
            count += len(page["data"])
            cursor = page.get("next_cursor")
            if not page["has_more"]:
                return count, time.perf_counter() - started


def sdk_paging(language: str, base_url: str, key: str) -> tuple[int, float] | str:
    argv = PAGERS[language]
    if shutil.which(argv[0]) is None:
        return f"{argv[0]} is not installed"
    folder = SDKS / language
    if not folder.is_dir():
        return f"no SDK at {folder}"
    if language == "node" and not (folder / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, check=True)
    env = {**os.environ, **GO_ENV, "STATESET_BASE_URL": base_url, "STATESET_API_KEY": key}
    # The Python SDK from the checkout, as the other languages' are.
    env["PYTHONPATH"] = str(SDKS / "python")
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return f"failed: {(done.stdout + done.stderr).strip()[-300:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return int(result["count"]), float(result["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--seed", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()

    database, url, drop = fresh_database(args.database, "sdkbench")
    port = free_port()
    server = None
    try:
        migrate.upgrade(url)
        print(f"seeding {args.seed} orders on {database} ...", flush=True)
        key, _ = asyncio.run(seed(url, args.seed))
        server = serve(url, port, "memory://")
        base_url = f"http://127.0.0.1:{port}"

        with_sdk, bare = overhead(base_url, key, args.calls)
        print(f"\nPython SDK against bare httpx, GET /v1/account, median of {args.calls} each:")
        print(f"  bare httpx   {bare * 1e3:8.3f} ms")
        print(f"  stateset     {with_sdk * 1e3:8.3f} ms")
        print(f"  overhead     {(with_sdk - bare) * 1e3:8.3f} ms a call (goal: at most 0.200)")

        print(f"\npaging every order ({args.seed}), {PAGE} a page, one client:")
        print(f"  {'client':<12} {'orders':>8} {'seconds':>8} {'pages/s':>8} {'vs httpx':>9}")
        count, seconds = bare_paging(base_url, key)
        base_rate = count / PAGE / seconds
        print(f"  {'bare httpx':<12} {count:>8} {seconds:>8.2f} {base_rate:>8.1f} {1:>9.2f}")
        for language in PAGERS:
            measured = sdk_paging(language, base_url, key)
            if isinstance(measured, str):
                print(f"  {language:<12} {measured}")
                continue
            count, seconds = measured
            rate = count / PAGE / seconds
            print(
                f"  {language:<12} {count:>8} {seconds:>8.2f} {rate:>8.1f} {rate / base_rate:>9.2f}"
            )
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
