"""Emit every SDK's resources and types from the manifest.

Reads only ``sdks/manifest.json`` (the API's description of every REST route, object
and enum) and hands it to each language's emitter in ``sdks/codegen/`` (every module there
but ``common`` is one); their files are checked in, and a test fails when they differ
from what this script emits. Run it with ``make sdks`` after ``make manifest``;
``--check`` exits 1 when a file has drifted.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import codegen
from codegen.common import load


def emitted() -> dict[Path, str]:
    manifest = load()
    files: dict[Path, str] = {}
    for info in pkgutil.iter_modules(codegen.__path__):
        if info.name != "common":
            module = importlib.import_module(f"codegen.{info.name}")
            files.update(module.emit(manifest))
    return files


def main(argv: list[str]) -> int:
    files = emitted()
    if "--check" in argv:
        stale = [str(p) for p, text in files.items() if not p.exists() or p.read_text() != text]
        if stale:
            print("out of date, run `make sdks`: " + ", ".join(stale), file=sys.stderr)
            return 1
        return 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
