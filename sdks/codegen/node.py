"""The Node.js SDK's emitter: ``sdks/node/lib/resources.js`` (a class per resource, a
method per route), ``resources.d.ts`` (their declarations) and ``types.d.ts`` (an
interface per object and input, a string-literal union per enum, a params interface per
method), all from the manifest.

Names: resources in camelCase (``webhookEndpoints``), methods in camelCase
(``rotateSecret``), fields and parameters under REST's snake_case names, params interfaces
``<Resource, singular><Method>Params`` (``OrderPayParams``) as stripe-node names them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from .common import SDKS, camel, pascal

LIB = SDKS / "node" / "lib"
HEADER = "// Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.\n"
WIDTH = 100
SCALARS = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "datetime": "string",
    "date": "string",
    "date_or_datetime": "string",
    "json": "any",
}
# Words JavaScript does not take as a method name without quoting, or as a property
# people would trip on.
RESERVED = frozenset({"constructor", "prototype", "__proto__"})


class Names:
    def __init__(self, manifest: dict[str, Any]) -> None:
        self.known = set(manifest["objects"]) | set(manifest["inputs"]) | set(manifest["enums"])

    def annotation(self, spec: dict[str, Any], *, prefix: str = "") -> str:
        kind = spec["type"]
        if kind == "list":
            inner = self.annotation(spec["items"], prefix=prefix)
            text = f"Array<{inner}>"
        elif kind == "ref":
            name = spec["name"]
            if name not in self.known:
                raise SystemExit(f"the manifest refers to an unknown type {name!r}")
            text = prefix + name
        else:
            if kind not in SCALARS:
                raise SystemExit(f"the manifest has a type this generator does not know: {kind}")
            text = SCALARS[kind]
        if spec.get("nullable") and text != "any":
            text += " | null"
        return text


def singular(resource: str) -> str:
    """``webhook_deliveries`` -> ``WebhookDelivery``, ``orders`` -> ``Order``."""
    name = pascal(resource)
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def params_name(resource: str, method: dict[str, Any]) -> str:
    return f"{singular(resource)}{pascal(method['name'])}Params"


def quote(text: str) -> str:
    """A single-quoted JavaScript string."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def member(name: str) -> str:
    """A property name as a declaration writes it (quoted when it is no identifier)."""
    if name.isidentifier() and name not in RESERVED:
        return name
    return quote(name)


def method_name(name: str) -> str:
    text = camel(name)
    if not text.isidentifier() or text in RESERVED:
        raise SystemExit(f"{name!r} cannot be a JavaScript method name: rename it in the API")
    return text


def doc(text: str, indent: str, tags: list[str] | None = None) -> list[str]:
    """A JSDoc comment: one line when it fits."""
    text = " ".join(text.replace("*/", "*\\/").split())
    tags = tags or []
    one = f"{indent}/** {text} */"
    if not tags and len(one) <= WIDTH:
        return [one]
    lines = textwrap.wrap(text, WIDTH - len(indent) - 3) if text else []
    return [
        f"{indent}/**",
        *(f"{indent} * {line}" for line in lines),
        *(f"{indent} * {tag}" for tag in tags),
        f"{indent} */",
    ]


def field_lines(names: Names, fields: list[dict[str, Any]], *, inputs: bool) -> list[str]:
    out: list[str] = []
    for f in fields:
        tags = ["@deprecated"] if f.get("deprecated") else []
        if f.get("description") or tags:
            out += doc(f.get("description", ""), "  ", tags)
        optional = "?" if inputs and not f.get("required") else ""
        out.append(f"  {member(f['name'])}{optional}: {names.annotation(f['type'])};")
    return out


def has_params(method: dict[str, Any]) -> bool:
    return bool(method["query_params"] or method["body_params"])


def params_required(method: dict[str, Any]) -> bool:
    return any(p.get("required") for p in method["query_params"] + method["body_params"])


def types_module(manifest: dict[str, Any]) -> str:
    names = Names(manifest)
    out = [HEADER, "// Enums: the values REST sends and accepts."]
    for name, enum in sorted(manifest["enums"].items()):
        if enum.get("description"):
            out += doc(enum["description"], "")
        values = " | ".join(quote(v) for v in enum["values"])
        line = f"export type {name} = {values};"
        if len(line) > WIDTH:
            out.append(f"export type {name} =")
            out += [f"  | {quote(v)}" for v in enum["values"]]
            out[-1] += ";"
        else:
            out.append(line)
    out += ["", "// Objects: REST's fields under REST's names."]
    for name, obj in sorted(manifest["objects"].items()):
        out += ["", *doc(obj.get("description") or f"A {name} as REST answers it.", "")]
        out.append(f"export interface {name} {{")
        out += field_lines(names, obj["fields"], inputs=False)
        out.append("}")
    out += ["", "// Inputs: the objects a body field takes."]
    for name, obj in sorted(manifest["inputs"].items()):
        out += ["", *doc(obj.get("description") or f"The body of {name}.", "")]
        out.append(f"export interface {name} {{")
        out += field_lines(names, obj["fields"], inputs=True)
        out.append("}")
    out += ["", "// Params: each method's body fields or query filters."]
    for resource, spec in manifest["resources"].items():
        for method in spec["methods"]:
            if not has_params(method):
                continue
            where = "Query filters" if method["query_params"] else "Body fields"
            summary = f"{where} of {method['http_method']} {method['path']} ({method['summary']})."
            out += ["", *doc(summary, "")]
            out.append(f"export interface {params_name(resource, method)} {{")
            out += field_lines(names, method["query_params"] + method["body_params"], inputs=True)
            out.append("}")
    return "\n".join(out) + "\n"


def path_values(method: dict[str, Any]) -> str:
    """The path's ids by their names in its template: ``{ id }``."""
    names = [p["name"] for p in method["path_params"]]
    return "{ " + ", ".join(f"{quote(n)}: {camel(n)}" if camel(n) != n else n for n in names) + " }"


def arguments(resource: str, method: dict[str, Any], *, typed: bool) -> str:
    """The method's arguments: path ids, then params (if it takes any), then options."""
    args = [camel(p["name"]) + (": string" if typed else "") for p in method["path_params"]]
    if has_params(method):
        if typed:
            optional = "" if params_required(method) else "?"
            args.append(f"params{optional}: types.{params_name(resource, method)}")
        else:
            args.append("params")
    args.append("options?: RequestOptions" if typed else "options")
    return ", ".join(args)


def call(method: dict[str, Any]) -> list[str]:
    """The body of a method: one call of the client, with the route as the manifest has it."""
    path = quote(method["path"])
    parts = []
    if method["path_params"]:
        parts.append(f"path: {path_values(method)}")
    if method["response"]["list"]:
        parts.append("query: params")
    elif method["body_params"]:
        parts.append("body: params")
    elif method["query_params"]:
        parts.append("query: params")
    parts.append("options")
    how = "_list" if method["response"]["list"] else "_request"
    head = f"return this.#client.{how}({quote(method['http_method'])}, {path}, "
    one = f"    {head}{{ {', '.join(parts)} }});"
    if len(one) <= WIDTH:
        return [one]
    return [f"    {head}{{", *(f"      {part}," for part in parts), "    });"]


def resources_js(manifest: dict[str, Any]) -> str:
    out = [HEADER.rstrip("\n")]
    for resource, spec in manifest["resources"].items():
        out += ["", *doc(f"`stateset.{camel(resource)}`: {manifest['base_path']}/{resource}.", "")]
        out += [f"export class {pascal(resource)}Resource {{", "  #client;", ""]
        out += ["  constructor(client) {", "    this.#client = client;", "  }"]
        for method in spec["methods"]:
            out += [""]
            out += doc(f"{method['summary']}: {method['http_method']} {method['path']}.", "  ")
            signature = f"{method_name(method['name'])}({arguments(resource, method, typed=False)})"
            out.append(f"  {signature} {{")
            out += [*call(method), "  }"]
        out.append("}")
    out += ["", "/** Every resource, as properties of the client. */", "export class Resources {"]
    out.append("  constructor() {")
    for resource in manifest["resources"]:
        out.append(f"    this.{camel(resource)} = new {pascal(resource)}Resource(this);")
    out += ["  }", "}"]
    return "\n".join(out) + "\n"


def resources_dts(manifest: dict[str, Any]) -> str:
    out = [
        HEADER,
        "import type { RequestOptions, Response } from './core.js';",
        "import type { PagePromise } from './page.js';",
        "import type * as types from './types.js';",
    ]
    for resource, spec in manifest["resources"].items():
        out += ["", *doc(f"`stateset.{camel(resource)}`: {manifest['base_path']}/{resource}.", "")]
        out.append(f"export declare class {pascal(resource)}Resource {{")
        out.append("  private constructor();")
        for method in spec["methods"]:
            out.append("")
            response = f"types.{method['response']['type']}"
            returns = (
                f"PagePromise<{response}>"
                if method["response"]["list"]
                else f"Promise<Response<{response}>>"
            )
            out += doc(f"{method['summary']}: {method['http_method']} {method['path']}.", "  ")
            name = method_name(method["name"])
            line = f"  {name}({arguments(resource, method, typed=True)}): {returns};"
            if len(line) > WIDTH:
                args = arguments(resource, method, typed=True).split(", ")
                out += [f"  {name}(", *(f"    {a}," for a in args), f"  ): {returns};"]
            else:
                out.append(line)
        out.append("}")
    out += ["", "/** Every resource, as properties of the client. */"]
    out.append("export declare class Resources {")
    for resource in manifest["resources"]:
        out += doc(f"{manifest['base_path']}/{resource}", "  ")
        out.append(f"  readonly {camel(resource)}: {pascal(resource)}Resource;")
    out.append("}")
    return "\n".join(out) + "\n"


def emit(manifest: dict[str, Any]) -> dict[Path, str]:
    return {
        LIB / "types.d.ts": types_module(manifest),
        LIB / "resources.js": resources_js(manifest),
        LIB / "resources.d.ts": resources_dts(manifest),
    }
