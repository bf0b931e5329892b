"""What a benchmark reads of a process: its CPU time and resident memory (Linux
``/proc``), and the open-file limit raised for thousands of sockets."""

from __future__ import annotations

import contextlib
import os
import resource
from pathlib import Path


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (``/proc/stat``):
    what else was running, read as the difference between two readings."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (``serve --workers N``'s server processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of every live descendant (``serve --workers``
    runs its workers as children). A child that exited is no longer counted."""
    family, frontier = {pid}, [pid]
    while frontier:
        found = children(frontier.pop())
        family.update(found)
        frontier.extend(found)
    total = 0.0
    for member in family:
        with contextlib.suppress(OSError):  # it exited meanwhile
            total += cpu_seconds(member)
    return total


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Every process's command name and CPU seconds so far: two snapshots show what else
    ran on the machine meanwhile."""
    found: dict[int, tuple[str, float]] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        found[int(stat.parent.name)] = (name, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def busiest(before: dict[int, tuple[str, float]], mine: set[int], top: int = 4) -> str:
    """The processes outside ``mine`` that used the most CPU since ``before``."""
    used: dict[str, float] = {}
    for pid, (name, seconds) in cpu_by_process().items():
        if pid in mine:
            continue
        used[name] = used.get(name, 0.0) + seconds - before.get(pid, (name, 0.0))[1]
    ranked = sorted(used.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in ranked if seconds >= 0.05)
