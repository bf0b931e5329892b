"""The Ruby SDK's emitter: under ``sdks/ruby/lib/stateset/``, ``enums.rb`` (a module of
frozen constants per enum), ``objects/<name>.rb`` (a StatesetObject subclass per object,
its readers declared with ``field``), ``resources/<name>.rb`` (a class per resource, its
methods taking keyword arguments named as REST names them) and the two files that load
them in order, ``objects.rb`` and ``resources.rb`` (with ``Resources::Accessors``, the
client's ``client.orders`` readers).

Types are documented with YARD tags, which editors (Solargraph, RubyMine) complete from.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from .common import SDKS, nested_object, pascal

LIB = SDKS / "ruby" / "lib" / "stateset"
HEADER = (
    "# frozen_string_literal: true\n\n"
    "# Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand.\n"
)
WIDTH = 100

RESERVED_WORDS = frozenset(
    [
        "BEGIN",
        "END",
        "alias",
        "and",
        "begin",
        "break",
        "case",
        "class",
        "def",
        "defined?",
        "do",
        "else",
        "elsif",
        "end",
        "ensure",
        "false",
        "for",
        "if",
        "in",
        "module",
        "next",
        "nil",
        "not",
        "or",
        "redo",
        "rescue",
        "retry",
        "return",
        "self",
        "super",
        "then",
        "true",
        "undef",
        "unless",
        "until",
        "when",
        "while",
        "yield",
        "__method__",
        "__FILE__",
        "__LINE__",
        "__ENCODING__",
    ]
)
# Methods every object answers (StatesetObject's own included): no field may hide one.
OBJECT_METHODS = frozenset(
    [
        "last_response",
        "to_h",
        "to_json",
        "hash",
        "inspect",
        "to_s",
        "class",
        "send",
        "__send__",
        "public_send",
        "object_id",
        "instance_variable_get",
        "instance_variable_set",
        "instance_variables",
        "freeze",
        "frozen?",
        "dup",
        "clone",
        "nil?",
        "is_a?",
        "kind_of?",
        "instance_of?",
        "respond_to?",
        "equal?",
        "eql?",
        "extend",
        "tap",
        "then",
        "itself",
        "display",
        "fields",
        "nested",
        "field",
        "construct",
    ]
)
# The Client's own methods: no resource may hide one.
CLIENT_METHODS = frozenset(
    ["config", "graphql", "request_object", "request_page", "close", "inspect"]
)
# Hand-written constants of the Stateset module: no object or enum may take a name.
CORE_CONSTANTS = frozenset(
    [
        "VERSION",
        "NOT_GIVEN",
        "Request",
        "Requests",
        "Retries",
        "Answers",
        "Transport",
        "Client",
        "Config",
        "Page",
        "StatesetObject",
        "LastResponse",
        "Resources",
        "Webhook",
        "Errors",
        "StatesetError",
        "APIConnectionError",
        "AuthenticationError",
        "PermissionError",
        "InvalidRequestError",
        "NotFoundError",
        "ConflictError",
        "CardError",
        "IdempotencyError",
        "RateLimitError",
        "APIError",
        "SignatureVerificationError",
    ]
)
SCALARS = {
    "string": "String",
    "integer": "Integer",
    "boolean": "Boolean",
    "number": "Float",
    "datetime": "String",
    "date": "String",
    "date_or_datetime": "String",
    "json": "Object",
}


def snake(name: str) -> str:
    """``CustomerSubscription`` -> ``customer_subscription``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def identifier(name: str, *, taken: frozenset[str] = frozenset()) -> str:
    if name in RESERVED_WORDS or not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in taken:
        raise SystemExit(f"{name!r} cannot be a Ruby method or keyword argument: rename it")
    return name


def constant(value: str) -> str:
    """An enum value as a constant name: ``per_minute`` -> ``PER_MINUTE``."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper()
    return f"V_{name}" if not name or name[0].isdigit() else name


def comment(text: str, indent: str, hanging: str = "") -> list[str]:
    """``text`` as comment lines; lines after the first indented by ``hanging`` (YARD
    reads an indented line as the tag's continuation)."""
    text = " ".join(text.split())
    lines = textwrap.wrap(text, WIDTH - len(indent) - 2, subsequent_indent=hanging)
    return [f"{indent}# {line}" for line in lines]


def article(name: str) -> str:
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


class Names:
    def __init__(self, manifest: dict[str, Any]) -> None:
        self.objects = set(manifest["objects"])
        self.inputs: dict[str, Any] = manifest["inputs"]
        self.enums = set(manifest["enums"])
        for name in self.objects | self.enums:
            if name in CORE_CONSTANTS:
                raise SystemExit(f"the type {name!r} would hide the SDK's own Stateset::{name}")

    def yard(self, spec: dict[str, Any], *, param: bool = False) -> str:
        """The YARD type of a field or (``param``) a parameter, which takes a date or time
        as a Time or Date too."""
        kind = spec["type"]
        if kind == "list":
            text = f"Array<{self.yard(spec['items'], param=param)}>"
        elif param and kind.startswith("date"):
            text = "String, Time, Date"
        elif kind == "ref":
            name = spec["name"]
            if name in self.objects:
                text = f"Stateset::{name}"
            elif name in self.inputs:
                text = "Hash"
            elif name in self.enums:
                text = "String"
            else:
                raise SystemExit(f"the manifest refers to an unknown type {name!r}")
        elif kind in SCALARS:
            text = SCALARS[kind]
        else:
            raise SystemExit(f"the manifest has a type this generator does not know: {kind}")
        return f"{text}, nil" if spec.get("nullable") else text

    def note(self, spec: dict[str, Any]) -> str:
        """What a type's YARD name does not say: an enum's values, an input's keys."""
        if spec["type"] == "list":
            return self.note(spec["items"])
        if spec["type"] != "ref":
            return "ISO 8601" if spec["type"].startswith("date") else ""
        name = spec["name"]
        if name in self.enums:
            return f"one of Stateset::{name}::VALUES"
        if name in self.inputs:
            keys = [
                f"{f['name']}{'' if f.get('required') else ' (optional)'}"
                for f in self.inputs[name]["fields"]
            ]
            return f"{name}: {', '.join(keys)}"
        return ""

    def nested(self, spec: dict[str, Any]) -> str | None:
        return nested_object(spec, self.objects)


def enums_file(manifest: dict[str, Any]) -> str:
    out = [HEADER, "module Stateset"]
    for index, (name, enum) in enumerate(sorted(manifest["enums"].items())):
        if index:
            out.append("")
        out += comment(enum.get("description") or f"The values of {name}.", "  ")
        out.append(f"  module {name}")
        names = [constant(v) for v in enum["values"]]
        if len(set(names)) != len(names) or "VALUES" in names:
            raise SystemExit(f"the values of {name} do not make distinct Ruby constants")
        out += [f'    {c} = "{v}"' for c, v in zip(names, enum["values"], strict=True)]
        out += [f"    VALUES = [{', '.join(names)}].freeze", "  end"]
    return "\n".join([*out, "end"]) + "\n"


def ordered_objects(manifest: dict[str, Any], names: Names) -> list[str]:
    """Every object after the objects its fields hold (so each can name them)."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise SystemExit(f"the objects hold each other in a cycle through {name}")
        visiting.add(name)
        for f in manifest["objects"][name]["fields"]:
            held = names.nested(f["type"])
            if held is not None:
                visit(held)
        visiting.discard(name)
        done.append(name)

    for name in sorted(manifest["objects"]):
        visit(name)
    return done


def object_file(name: str, obj: dict[str, Any], names: Names) -> str:
    out = [HEADER, "module Stateset"]
    out += comment(
        obj.get("description")
        or f"{article(name)[0].upper()}{article(name)[1:]} as REST answers it.",
        "  ",
    )
    out.append(f"  class {name} < StatesetObject")
    for f in obj["fields"]:
        field = identifier(f["name"], taken=OBJECT_METHODS)
        out.append(f"    # @!attribute [r] {field}")
        note = names.note(f["type"])
        out.append(f"    #   @return [{names.yard(f['type'])}]{' ' + note if note else ''}")
        if f.get("description"):
            out += [f"    #   {line}" for line in textwrap.wrap(f["description"], WIDTH - 8)]
        held = names.nested(f["type"])
        out.append(f"    field :{field}" + (f", of: {held}" if held else ""))
    return "\n".join([*out, "  end", "end"]) + "\n"


def objects_index(order: list[str]) -> str:
    lines = [HEADER, *(f'require_relative "objects/{snake(name)}"' for name in order)]
    return "\n".join(lines) + "\n"


def signature(name: str, params: list[str], indent: str) -> list[str]:
    one = f"{indent}def {name}({', '.join(params)})"
    if len(one) <= WIDTH:
        return [one]
    return [
        f"{indent}def {name}(",
        *(f"{indent}  {p}," for p in params[:-1]),
        f"{indent}  {params[-1]}",
        f"{indent})",
    ]


def hash_argument(opening: str, names: list[str], closing: str, indent: str) -> list[str]:
    """``opening{ a:, b: }closing``: a Hash of the locals ``names`` by their names (Ruby
    3.1's shorthand), one a line when it does not fit on one."""
    one = f"{indent}{opening}{{ {', '.join(f'{n}:' for n in names)} }}{closing}"
    if len(one) <= WIDTH:
        return [one]
    middle = [f"{indent}  {n}:," for n in names[:-1]] + [f"{indent}  {names[-1]}:"]
    return [f"{indent}{opening}{{", *middle, f"{indent}}}{closing}"]


def method_lines(names: Names, method: dict[str, Any]) -> list[str]:
    taken = frozenset({"idempotency_key", "request_options"})
    name = identifier(method["name"])
    response = method["response"]
    if response["type"] not in names.objects:
        raise SystemExit(f"{method['operation_id']} answers {response['type']}, not an object")
    returns = f"Stateset::{response['type']}"
    positional = [identifier(p["name"], taken=taken) for p in method["path_params"]]
    required = [p for p in method["query_params"] + method["body_params"] if p.get("required")]
    optional_query = [p for p in method["query_params"] if not p.get("required")]
    optional_body = [p for p in method["body_params"] if not p.get("required")]
    params = list(positional)
    params += [f"{identifier(p['name'], taken=taken)}:" for p in required]
    params += [f"{identifier(p['name'], taken=taken)}: nil" for p in optional_query]
    params += [f"{identifier(p['name'], taken=taken)}: NOT_GIVEN" for p in optional_body]
    if method["idempotency_key"]:
        params.append("idempotency_key: nil")
    params.append("request_options: nil")

    lines = [f"      # {method['summary']}: {method['http_method']} {method['path']}.", "      #"]
    for p in method["path_params"]:
        lines.append(f"      # @param {p['name']} [String]")
    for p in required + optional_query + optional_body:
        note = names.note(p["type"])
        if p.get("description") and p["type"]["type"] != "list":
            note = f"{note}; {p['description']}" if note else p["description"]
        kind = names.yard(p["type"], param=True)
        if not p.get("required") and not kind.endswith(", nil"):
            kind += ", nil"
        lines += comment(f"@param {p['name']} [{kind}] {note}".rstrip(), "      ", "  ")
    if method["idempotency_key"]:
        lines.append(
            "      # @param idempotency_key [String, nil] yours, or a new UUID kept across retries"
        )
    lines.append(
        "      # @param request_options [Hash, nil] api_key:, timeout:, max_retries: for this call"
    )
    if response["list"]:
        lines.append(f"      # @return [Stateset::Page<{returns}>]")
    else:
        lines.append(f"      # @return [{returns}]")
    lines += signature(name, params, "      ")

    path = method["path"]
    for p in method["path_params"]:
        path = path.replace("{" + p["name"] + "}", "#{Requests.segment(" + p["name"] + ")}")
    if response["list"]:
        query = [p["name"] for p in method["query_params"]]
        lines += ["        @client.request_page(", f"          {returns},", f'          "{path}",']
        if query:
            lines += hash_argument("Requests.query_of(", query, "),", "          ")
        else:
            lines.append("          {},")
        lines += ["          request_options", "        )", "      end"]
        return lines
    lines += [
        "        @client.request_object(",
        f"          {returns},",
        f'          "{method["http_method"]}",',
        f'          "{path}",',
    ]
    if method["body_params"]:
        body = [p["name"] for p in method["body_params"]]
        lines += hash_argument("body: Requests.body_of(", body, "),", "          ")
    if method["idempotency_key"]:
        lines.append("          idempotency_key: idempotency_key,")
    lines += ["          request_options: request_options", "        )", "      end"]
    return lines


def resource_file(name: str, resource: dict[str, Any], manifest: dict[str, Any]) -> str:
    names = Names(manifest)
    out = [
        HEADER,
        "module Stateset",
        "  module Resources",
        f"    # +client.{name}+: {manifest['base_path']}/{name}.",
        f"    class {pascal(name)} < Resource",
    ]
    for index, method in enumerate(resource["methods"]):
        if index:
            out.append("")
        out += method_lines(names, method)
    return "\n".join([*out, "    end", "  end", "end"]) + "\n"


def resources_index(manifest: dict[str, Any]) -> str:
    out = [HEADER, 'require_relative "resource"']
    out += [f'require_relative "resources/{name}"' for name in manifest["resources"]]
    out += [
        "",
        "module Stateset",
        "  module Resources",
        "    # The client's resources, one reader each: +client.orders+.",
        "    module Accessors",
    ]
    for index, name in enumerate(manifest["resources"]):
        accessor = identifier(name, taken=CLIENT_METHODS)
        if index:
            out.append("")
        out += [
            f"      # @return [Stateset::Resources::{pascal(name)}]",
            f"      def {accessor}",
            f"        @{accessor} ||= {pascal(name)}.new(self)",
            "      end",
        ]
    return "\n".join([*out, "    end", "  end", "end"]) + "\n"


def emit(manifest: dict[str, Any]) -> dict[Path, str]:
    names = Names(manifest)
    order = ordered_objects(manifest, names)
    files = {LIB / "enums.rb": enums_file(manifest), LIB / "objects.rb": objects_index(order)}
    for name in order:
        files[LIB / "objects" / f"{snake(name)}.rb"] = object_file(
            name, manifest["objects"][name], names
        )
    for name, resource in manifest["resources"].items():
        files[LIB / "resources" / f"{name}.rb"] = resource_file(name, resource, manifest)
    files[LIB / "resources.rb"] = resources_index(manifest)
    return files
