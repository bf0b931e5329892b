"""wrk (a Debian package: ``apt-get install -y wrk``) driven from a Lua script, and what
it measured.

A caller's script sets the request (``wrk.method``, ``wrk.body``, ``wrk.headers``, or a
``request`` function); this module appends the hooks every run shares: each thread
counts the 200 answers whose body holds ``"errors"`` (GraphQL errors), and ``done``
prints one line with the requests, the duration, every kind of failure and the latency
percentiles, which ``run`` parses. wrk gives up on a request after ``--timeout`` (2 s,
its default), counted as a timeout.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_SECONDS = 2
# setup/init/response/done: wrk calls each in every thread's own Lua state; ``done``
# reads each thread's counter through the thread objects ``setup`` kept.
HOOKS = """
local threads = {}
function setup(thread)
  thread:set("thread_number", #threads + 1)
  thread:set("thread_count", 0)
  table.insert(threads, thread)
  for _, t in ipairs(threads) do t:set("thread_count", #threads) end
end
function response(status, headers, body)
  if status == 200 and string.find(body, '"errors"', 1, true) then
    graphql_errors = (graphql_errors or 0) + 1
  end
end
function done(summary, latency, requests)
  local graphql = 0
  for _, t in ipairs(threads) do graphql = graphql + (t:get("graphql_errors") or 0) end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %f %f %f\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, graphql,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""
_RESULT = re.compile(r"RESULT" + r" (\d+)" * 8 + r" ([\d.]+)" * 3)


@dataclass(frozen=True)
class Measured:
    requests: int
    seconds: float
    socket_errors: int  # connect, read, write
    non_2xx: int
    timeouts: int
    graphql_errors: int  # 200 answers with "errors" in the body
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx + self.timeouts + self.graphql_errors


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def missing() -> str | None:
    """Why wrk cannot run here, or None."""
    return None if shutil.which("wrk") else "wrk is not installed (apt-get install -y wrk)"


def run(url: str, script: str, connections: int, seconds: float) -> Measured:
    """wrk on ``url`` with ``script`` (plus the shared hooks) for ``seconds``, at most two
    threads (this machine's cores)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "script.lua"
        path.write_text(script + HOOKS)
        out = subprocess.run(
            ["wrk", f"-t{min(connections, 2)}", f"-c{connections}",
             f"-d{max(1, round(seconds))}s", f"--timeout={TIMEOUT_SECONDS}s", "-s", str(path),
             url],
            capture_output=True, text=True,
        )  # fmt: skip
    found = _RESULT.search(out.stdout)
    if out.returncode != 0 or found is None:
        raise RuntimeError(f"wrk exited {out.returncode}: {out.stdout}{out.stderr}")
    requests, micros, connect, read, write, status, timeouts, graphql = map(int, found.groups()[:8])
    p50, p99, most = (float(v) / 1e3 for v in found.groups()[8:])
    return Measured(
        requests=requests, seconds=micros / 1e6, socket_errors=connect + read + write,
        non_2xx=status, timeouts=timeouts, graphql_errors=graphql, p50_ms=p50, p99_ms=p99,
        max_ms=most,
    )  # fmt: skip


def run_together(url: str, scripts: list[str], connections: int, seconds: float) -> Measured:
    """One wrk per script at once, ``connections`` shared out between them, measured as
    one run: their requests and failures added; p50 their requests-weighted mean, p99
    and max the worst of them."""
    if len(scripts) == 1:
        return run(url, scripts[0], connections, seconds)
    share = max(1, connections // len(scripts))
    done: list[Measured | None] = [None] * len(scripts)
    failed: list[Exception] = []

    def one(index: int) -> None:
        try:
            done[index] = run(url, scripts[index], share, seconds)
        except Exception as exc:  # noqa: BLE001 - raised below, in the caller's thread
            failed.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(scripts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]
    runs = [m for m in done if m is not None]
    requests = sum(m.requests for m in runs)
    return Measured(
        requests=requests, seconds=max(m.seconds for m in runs),
        socket_errors=sum(m.socket_errors for m in runs),
        non_2xx=sum(m.non_2xx for m in runs), timeouts=sum(m.timeouts for m in runs),
        graphql_errors=sum(m.graphql_errors for m in runs),
        p50_ms=sum(m.p50_ms * m.requests for m in runs) / max(requests, 1),
        p99_ms=max(m.p99_ms for m in runs), max_ms=max(m.max_ms for m in runs),
    )  # fmt: skip
