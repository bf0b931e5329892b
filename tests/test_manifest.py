"""The SDK manifest and the OpenAPI document: both rendered from the route table and the
schema, the manifest and every SDK's generated code checked in without drift, names
stable enough to generate from."""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from stateset_gql.graphql.schema import build_schema
from stateset_gql.rest import files, jobs
from stateset_gql.rest.manifest import export, manifest
from stateset_gql.rest.openapi import STATUS_NAMES, openapi
from stateset_gql.rest.routes import ROUTES

SDKS = Path(__file__).resolve().parent.parent / "sdks"
COMMITTED_MANIFEST = SDKS / "manifest.json"
SCHEMA = build_schema()
MANIFEST = manifest(SCHEMA)
OPENAPI = openapi(SCHEMA)
# The SDKs' resource names (SDK.md), each the path's segment after /v1.
SDK_RESOURCES = {
    "account", "customers", "orders", "inventory", "returns", "subscriptions", "events",
    "webhook_endpoints", "webhook_deliveries", "api_keys", "jobs", "files", "request_logs",
    "batch",
}  # fmt: skip
# Routes outside the route table, described in OpenAPI by their own module and not in
# the manifest: an upload needs SDK code of its own (multipart, streamed bytes), written by
# hand in each SDK beside the generated resources (python _bulk.py, node lib/bulk.js, go
# files.go, ruby bulk.rb); a job's results likewise (JSONL, streamed).
OUTSIDE_THE_TABLE = set(files.openapi_paths(STATUS_NAMES)) | set(jobs.openapi_paths(STATUS_NAMES))


def _methods() -> Iterator[tuple[str, dict[str, Any]]]:
    for resource, entry in MANIFEST["resources"].items():
        for method in entry["methods"]:
            yield resource, method


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """OpenAPI's operations of the route table's routes (``/v1/batch``, no GraphQL
    field's, is tested alone)."""
    for path, item in OPENAPI["paths"].items():
        if path in OUTSIDE_THE_TABLE:
            continue
        for verb, operation in item.items():
            if path != "/v1/batch":
                yield path, verb, operation


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _manifest_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "ref":
            yield node["name"]
        for value in node.values():
            yield from _manifest_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _manifest_refs(value)


def test_the_exported_manifest_matches_the_committed_file() -> None:
    assert COMMITTED_MANIFEST.read_bytes() == export(SCHEMA), (
        "sdks/manifest.json is out of date: run `make manifest` and commit the result"
    )


def test_every_sdks_generated_code_matches_the_manifest() -> None:
    spec = importlib.util.spec_from_file_location("sdk_generator", SDKS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    files = generator.emitted()
    assert {path.relative_to(SDKS).parts[0] for path in files} >= {"python"}
    for path, text in files.items():
        assert path.exists(), f"{path} is missing: run `make sdks`"
        assert path.read_text() == text, f"{path} is stale: run `make sdks`"


def test_every_route_appears_once_under_a_unique_resource_and_method() -> None:
    methods = list(_methods())
    assert len(methods) == len(ROUTES)
    names = Counter((resource, method["name"]) for resource, method in methods)
    assert [name for name, count in names.items() if count > 1] == []
    by_route = {(m["http_method"], m["path"]): (r, m) for r, m in methods}
    for route in ROUTES:
        resource, method = by_route[(route.method, route.path)]
        assert method["graphql_field"] == route.field
        assert method["response"]["status"] == route.status
        assert method["idempotency_key"] == route.is_mutation
        assert route.path.startswith(f"/v1/{resource}")
    assert set(MANIFEST["resources"]) <= SDK_RESOURCES


def test_methods_are_named_as_the_sdks_call_them() -> None:
    names = {(resource, method["name"]): method for resource, method in _methods()}
    expected = {
        ("account", "retrieve"): ("GET", "/v1/account"),
        ("customers", "list"): ("GET", "/v1/customers"),
        ("customers", "create"): ("POST", "/v1/customers"),
        ("customers", "retrieve"): ("GET", "/v1/customers/{id}"),
        ("customers", "update"): ("PATCH", "/v1/customers/{id}"),
        ("customers", "delete"): ("DELETE", "/v1/customers/{id}"),
        ("orders", "pay"): ("POST", "/v1/orders/{id}/pay"),
        ("inventory", "adjust"): ("POST", "/v1/inventory/{id}/adjust"),
        ("inventory", "transfer"): ("POST", "/v1/inventory/transfers"),
        ("webhook_endpoints", "rotate_secret"): (
            "POST", "/v1/webhook_endpoints/{id}/rotate_secret",
        ),
        ("webhook_endpoints", "deliveries"): ("GET", "/v1/webhook_endpoints/{id}/deliveries"),
        ("webhook_deliveries", "redeliver"): ("POST", "/v1/webhook_deliveries/{id}/redeliver"),
    }  # fmt: skip
    for key, (verb, path) in expected.items():
        assert (names[key]["http_method"], names[key]["path"]) == (verb, path), key


def test_parameters_carry_types_and_required_ness() -> None:
    names = {(resource, method["name"]): method for resource, method in _methods()}
    listing = {p["name"]: p for p in names[("orders", "list")]["query_params"]}
    assert listing["limit"]["constraints"] == {"minimum": 1, "maximum": 100, "default": 10}
    assert listing["status_in"] == {
        "name": "status_in",
        "type": {"type": "list", "items": {"type": "ref", "name": "OrderStatus"}},
        "required": False,
        "description": "comma list",
        "style": "comma_separated",
    }
    assert names[("orders", "list")]["response"] == {"type": "Order", "list": True, "status": 200}
    pay = names[("orders", "pay")]
    assert [p["name"] for p in pay["path_params"]] == ["id"]
    assert pay["path_params"][0]["required"] is True
    assert pay["response"] == {"type": "Order", "list": False, "status": 200}
    assert 402 in pay["errors"]
    created = names[("customers", "create")]
    body = {p["name"]: p for p in created["body_params"]}
    assert body["email"]["required"] is True
    assert created["body_type"] in MANIFEST["inputs"]
    assert created["response"]["status"] == 201
    assert MANIFEST["enums"]["OrderStatus"]["values"][0] == "pending"
    fields = {f["name"]: f["type"] for f in MANIFEST["objects"]["Order"]["fields"]}
    assert fields["amount_paid"] == {"type": "integer"}
    assert fields["customer_id"] == {"type": "string", "nullable": True}


def test_every_type_the_manifest_names_is_defined() -> None:
    defined = set(MANIFEST["objects"]) | set(MANIFEST["inputs"]) | set(MANIFEST["enums"])
    assert set(_manifest_refs(MANIFEST)) <= defined
    for _, method in _methods():
        assert method["response"]["type"] in MANIFEST["objects"], method["operation_id"]


def test_operation_ids_are_unique_and_stable() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert len(ids) == len(set(ids)) == len(ROUTES)
    from_manifest = {m["operation_id"]: (m["http_method"], m["path"]) for _, m in _methods()}
    for path, verb, operation in _operations():
        assert from_manifest[operation["operationId"]] == (verb.upper(), path)
    for resource, method in _methods():
        assert method["operation_id"] == f"{resource}_{method['name']}"
    assert from_manifest["orders_pay"] == ("POST", "/v1/orders/{id}/pay")
    assert from_manifest["customers_list"] == ("GET", "/v1/customers")


def test_every_openapi_reference_resolves_to_a_component() -> None:
    components = OPENAPI["components"]
    for ref in set(_refs(OPENAPI)):
        section, name = ref.removeprefix("#/components/").split("/")
        assert name in components[section], ref
    for name in MANIFEST["objects"]:
        assert name in components["schemas"], name
    for name in (*MANIFEST["enums"], "Error", "OrderList", "CustomerList"):
        assert name in components["schemas"], name


def test_each_operation_is_tagged_and_documents_its_errors() -> None:
    tags = {tag["name"] for tag in OPENAPI["tags"]}
    # /v1/batch is no GraphQL field's route: OpenAPI describes it, and each SDK's
    # hand-written batch module (beside the generated resources) calls it.
    assert tags == set(MANIFEST["resources"]) | {"files", "batch"}
    assert "batch" not in MANIFEST["resources"]
    for path, verb, operation in _operations():
        assert len(operation["tags"]) == 1
        assert operation["tags"][0] in tags
        responses = operation["responses"]
        for status in ("400", "401", "403", "429", "500", "503"):
            assert "$ref" in responses[status], (verb, path, status)
        assert ("404" in responses) == ("{" in path), (verb, path)
        assert ("409" in responses) == (verb != "get"), (verb, path)
        success = next(s for s in responses if s.startswith("2"))
        schema = responses[success]["content"]["application/json"]["schema"]
        assert "$ref" in schema or "$ref" in schema.get("anyOf", [{}])[0], (verb, path)
    for response in OPENAPI["components"]["responses"].values():
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_the_batch_is_described_in_openapi_only() -> None:
    operation = OPENAPI["paths"]["/v1/batch"]["post"]
    assert operation["operationId"] == "batch_create"
    assert operation["tags"] == ["batch"]
    assert set(operation["responses"]) >= {"200", "400", "409", "422", "429"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    request = OPENAPI["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert request["properties"]["operations"]["maxItems"] == 1000


@pytest.mark.parametrize("path", ["/v1/orders", "/v1/customers", "/v1/events"])
def test_lists_answer_a_named_list_component(path: str) -> None:
    response = OPENAPI["paths"][path]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    listed = OPENAPI["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert listed["properties"]["object"] == {"const": "list"}
    assert orjson.dumps(listed["properties"]["data"]["items"]).startswith(b'{"$ref"')


def test_the_file_routes_are_described_in_openapi_and_left_out_of_the_manifest() -> None:
    assert {
        "/v1/files", "/v1/files/{id}", "/v1/files/{id}/contents", "/v1/jobs/{id}/results",
    } == OUTSIDE_THE_TABLE  # fmt: skip
    assert "files" not in MANIFEST["resources"]
    operations = {
        operation["operationId"]: (path, verb, operation)
        for path in OUTSIDE_THE_TABLE
        for verb, operation in OPENAPI["paths"][path].items()
    }
    assert set(operations) == {"files_create", "files_retrieve", "files_contents", "jobs_results"}
    table_ids = {operation["operationId"] for _, _, operation in _operations()}
    assert table_ids.isdisjoint(operations)
    for path, verb, operation in operations.values():
        assert operation["tags"] == [path.split("/")[2]]
        responses = operation["responses"]
        for status in ("400", "401", "403", "429", "500", "503"):
            assert "$ref" in responses[status], (verb, path, status)
        assert ("404" in responses) == ("{" in path), (verb, path)
    create = operations["files_create"][2]
    assert set(create["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"201", "409", "413", "415", "422"} <= set(create["responses"])
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key"]
    contents = operations["files_contents"][2]["responses"]["200"]["content"]
    assert set(contents) == {"application/octet-stream"}
    assert "File" in OPENAPI["components"]["schemas"]
    results = operations["jobs_results"][2]["responses"]["200"]["content"]
    assert set(results) == {"application/x-ndjson"}
