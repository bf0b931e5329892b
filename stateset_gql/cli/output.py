"""What a command answers: JSON for scripts, and the same answer as readable lines and
tables. Keys and accounts are printed as the API shows them (``access.views``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from stateset_gql.serialize import timestamp


@dataclass(frozen=True)
class Answer:
    json: dict[str, Any]
    text: str


def write(answer: Answer, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(answer.json, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(answer.text + "\n")


def as_api(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as the API writes them in JSON: times in its one format."""
    return {
        name: timestamp(value) if isinstance(value, datetime) else value
        for name, value in fields.items()
    }


def mode(livemode: bool) -> str:
    return "live" if livemode else "test"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    )


def created_account(account: dict[str, Any], secrets: dict[str, str]) -> str:
    lines = [
        f"Created account {account['id']} ({account['name']}, plan {account['plan']}).",
        "Its keys (shown once, keep them):",
        table(["type", "mode", "secret"], [[n[:2], n[3:], s] for n, s in secrets.items()]),
    ]
    return "\n".join(lines)


def updated_account(account: dict[str, Any]) -> str:
    limits = ", ".join(
        f"{name} {'unlimited' if value is None else value}"
        for name, value in account["limits"].items()
    )
    return f"Updated account {account['id']} ({account['name']}): plan {account['plan']}; {limits}."


def accounts(listed: list[dict[str, Any]]) -> str:
    if not listed:
        return "No accounts yet; create one: stateset-gql accounts create --name NAME"
    rows = [[a["id"], a["name"], a["plan"], a["created"][:19] + "Z"] for a in listed]
    return table(["id", "name", "plan", "created"], rows)


def keys(listed: list[dict[str, Any]]) -> str:
    rows = [
        [
            k["id"], k["type"], mode(k["livemode"]), k["redacted"],
            "revoked" if k["revoked"] else "active", k["name"] or "-",
            "all" if k["type"] == "sk" else ",".join(k["scopes"]),
        ]
        for k in listed
    ]  # fmt: skip
    return table(["id", "type", "mode", "key", "status", "name", "scopes"], rows)


def created_key(key: dict[str, Any], account_id: str) -> str:
    lines = [
        f"Created key {key['id']} (type {key['type']}, {mode(key['livemode'])} mode) "
        f"for {account_id}.",
        f"secret (shown once, keep it): {key['secret']}",
    ]
    if key["type"] == "rk":
        lines.append(f"scopes: {', '.join(key['scopes'])}")
    return "\n".join(lines)


def revoked_key(key: dict[str, Any], account_id: str) -> str:
    return f"Revoked key {key['id']} ({key['redacted']}, {account_id})."
