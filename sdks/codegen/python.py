"""The Python SDK's emitter: ``sdks/python/stateset/_types.py`` (dataclasses, TypedDicts,
Literal enums) and ``_resources.py`` (a sync and an async class per resource).

The output is written already in the formatter's style (one parameter a line, trailing
commas), so formatting it changes nothing.
"""

from __future__ import annotations

import json
import keyword
import textwrap
from pathlib import Path
from typing import Any

from .common import SDKS, nested_object, pascal, refs

PACKAGE = SDKS / "python" / "stateset"
HEADER = '"""Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand."""\n'
WIDTH = 100


class Names:
    def __init__(self, manifest: dict[str, Any]) -> None:
        self.objects = set(manifest["objects"])
        self.inputs = set(manifest["inputs"])
        self.enums = set(manifest["enums"])

    def annotation(self, spec: dict[str, Any], *, builtin_list: bool = False) -> str:
        kind = spec["type"]
        if kind == "list":
            inner = self.annotation(spec["items"], builtin_list=builtin_list)
            text = f"{'builtins.' if builtin_list else ''}list[{inner}]"
        elif kind == "ref":
            name = spec["name"]
            if name not in self.objects | self.inputs | self.enums:
                raise SystemExit(f"the manifest refers to an unknown type {name!r}")
            text = name
        else:
            scalars = {
                "string": "str",
                "integer": "int",
                "boolean": "bool",
                "number": "float",
                "datetime": "str",
                "date": "str",
                "date_or_datetime": "str",
                "json": "Any",
            }
            if kind not in scalars:
                raise SystemExit(f"the manifest has a type this generator does not know: {kind}")
            text = scalars[kind]
        if spec.get("nullable") and text != "Any":
            text += " | None"
        return text

    def nested(self, spec: dict[str, Any]) -> str | None:
        return nested_object(spec, self.objects)


def identifier(name: str) -> str:
    if keyword.iskeyword(name) or not name.isidentifier():
        raise SystemExit(f"{name!r} cannot be a Python keyword argument: rename it in the API")
    return name


def docstring(text: str, indent: str) -> list[str]:
    text = " ".join(text.replace("\\", "\\\\").replace('"""', "'''").split())
    if text.endswith('"'):
        text += " "
    one = f'{indent}"""{text}"""'
    if len(one) <= WIDTH:
        return [one]
    # The first line also holds the opening quotes.
    lines = textwrap.wrap(text, WIDTH - len(indent) - 3)
    return [f'{indent}"""{lines[0]}', *(f"{indent}{line}" for line in lines[1:]), f'{indent}"""']


def types_module(manifest: dict[str, Any]) -> str:
    names = Names(manifest)
    out = [
        HEADER,
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "from typing import Any, Literal, NotRequired, TypedDict",
        "",
        "from ._objects import StatesetObject",
        "",
        "# Enums: the values REST sends and accepts.",
    ]
    for name, enum in sorted(manifest["enums"].items()):
        values = ", ".join(json.dumps(v) for v in enum["values"])
        line = f"{name} = Literal[{values}]"
        if len(line) > WIDTH:
            out.append(f"{name} = Literal[")
            out.extend(f"    {json.dumps(v)}," for v in enum["values"])
            out.append("]")
        else:
            out.append(line)
    for name, obj in sorted(manifest["objects"].items()):
        out += ["", "", "@dataclass(kw_only=True)", f"class {name}(StatesetObject):"]
        out += docstring(obj.get("description") or f"A {name} as REST answers it.", "    ")
        out.append("")
        for f in obj["fields"]:
            out.append(f"    {identifier(f['name'])}: {names.annotation(f['type'])}")
    for name, obj in sorted(manifest["inputs"].items()):
        out += ["", "", f"class {name}(TypedDict):"]
        out += docstring(obj.get("description") or f"The body of {name}.", "    ")
        out.append("")
        for f in obj["fields"]:
            annotation = names.annotation(f["type"])
            if not f.get("required"):
                annotation = f"NotRequired[{annotation}]"
            out.append(f"    {identifier(f['name'])}: {annotation}")
    out += ["", "", "# The fields holding objects, which StatesetObject.construct builds."]
    for name, obj in sorted(manifest["objects"].items()):
        nested = [(f["name"], names.nested(f["type"])) for f in obj["fields"]]
        held = [(field, kind) for field, kind in nested if kind is not None]
        if held:
            out.append(f"{name}._nested = {{")
            out.extend(f'    "{field}": {kind},' for field, kind in held)
            out.append("}")
    return "\n".join(out) + "\n"


def method_lines(names: Names, method: dict[str, Any], *, is_async: bool) -> list[str]:
    response = method["response"]
    page = "AsyncPage" if is_async else "Page"
    returns = f"{page}[{response['type']}]" if response["list"] else response["type"]
    params = ["        self,"]
    for p in method["path_params"]:
        params.append(f"        {identifier(p['name'])}: str,")
    keyword_only: list[str] = []
    for p in method["query_params"]:
        annotation = names.annotation(p["type"], builtin_list=True)
        if p["required"]:
            keyword_only.append(f"        {identifier(p['name'])}: {annotation},")
        else:
            annotation += "" if annotation.endswith("| None") else " | None"
            keyword_only.append(f"        {identifier(p['name'])}: {annotation} = None,")
    required = [p for p in method["body_params"] if p.get("required")]
    optional = [p for p in method["body_params"] if not p.get("required")]
    for p in required:
        annotation = names.annotation(p["type"], builtin_list=True)
        keyword_only.append(f"        {identifier(p['name'])}: {annotation},")
    for p in optional:
        annotation = names.annotation(p["type"], builtin_list=True)
        if annotation.endswith(" | None"):
            annotation = annotation.removesuffix(" | None") + " | NotGiven | None"
        else:
            annotation += " | NotGiven"
        keyword_only.append(f"        {identifier(p['name'])}: {annotation} = NOT_GIVEN,")
    if method["idempotency_key"]:
        keyword_only.append("        idempotency_key: str | None = None,")
    keyword_only.append("        request_options: RequestOptions | None = None,")
    params += ["        *,", *keyword_only]
    path = method["path"]
    for p in method["path_params"]:
        path = path.replace("{" + p["name"] + "}", "{path_segment(" + p["name"] + ")}")
    path_text = f'f"{path}"' if method["path_params"] else f'"{path}"'
    defn = "async def" if is_async else "def"
    call = "await self._client" if is_async else "self._client"
    lines = [f"    {defn} {identifier(method['name'])}(", *params, f"    ) -> {returns}:"]
    lines += docstring(
        f"{method['summary']}: {method['http_method']} {method['path']}.", "        "
    )
    if response["list"]:
        lines += [
            f"        return {call}._page(",
            f"            {response['type']},",
            f"            {path_text},",
        ]
        if method["query_params"]:
            lines.append("            query_of(")
            lines += [f"                {p['name']}={p['name']}," for p in method["query_params"]]
            lines.append("            ),")
        else:
            lines.append("            {},")
        lines += ["            request_options,", "        )"]
        return lines
    lines += [
        f"        return {call}._object(",
        f"            {response['type']},",
        f'            "{method["http_method"]}",',
        f"            {path_text},",
    ]
    if method["body_params"]:
        lines.append("            body=body_of(")
        lines += [f"                {p['name']}={p['name']}," for p in method["body_params"]]
        lines.append("            ),")
    if method["idempotency_key"]:
        lines.append("            idempotency_key=idempotency_key,")
    lines += ["            options=request_options,", "        )"]
    return lines


def resources_module(manifest: dict[str, Any]) -> str:
    names = Names(manifest)
    used = sorted(
        {m["response"]["type"] for r in manifest["resources"].values() for m in r["methods"]}
        | {
            n
            for r in manifest["resources"].values()
            for m in r["methods"]
            for p in m["query_params"] + m["body_params"]
            for n in refs(p["type"])
        }
    )
    out = [
        "from ._core import NOT_GIVEN, NotGiven, RequestOptions, body_of, path_segment, query_of",
        "from ._objects import AsyncPage, AsyncRequester, Page, SyncRequester",
        "from ._types import (",
        *(f"    {n}," for n in used),
        ")",
    ]
    for is_async in (False, True):
        requester = "AsyncRequester" if is_async else "SyncRequester"
        for name, resource in manifest["resources"].items():
            cls = f"{'Async' if is_async else ''}{pascal(name)}Resource"
            out += ["", "", f"class {cls}:"]
            out += docstring(f"`client.{name}`: {manifest['base_path']}/{name}.", "    ")
            out += [
                "",
                f"    def __init__(self, client: {requester}) -> None:",
                "        self._client = client",
            ]
            for method in resource["methods"]:
                out.append("")
                out += method_lines(names, method, is_async=is_async)
    for is_async in (False, True):
        prefix = "Async" if is_async else ""
        requester = "AsyncRequester" if is_async else "SyncRequester"
        out += ["", "", f"class {prefix}Resources:"]
        out.append(f'    """Every resource of the {"async " if is_async else ""}client."""')
        out += ["", f"    def __init__(self, client: {requester}) -> None:"]
        for name in manifest["resources"]:
            out.append(f"        self.{name} = {prefix}{pascal(name)}Resource(client)")
    body = "\n".join(out) + "\n"
    head = [HEADER, "from __future__ import annotations", ""]
    if "builtins." in body:
        head += ["import builtins"]
    if "Any" in body:
        head += ["from typing import Any"]
    return "\n".join([*head, "", body]) if len(head) > 3 else "\n".join([*head, body])


def emit(manifest: dict[str, Any]) -> dict[Path, str]:
    return {
        PACKAGE / "_types.py": types_module(manifest),
        PACKAGE / "_resources.py": resources_module(manifest),
    }
