"""The Ruby SDK's emitter (sdks/codegen/ruby.py): what it refuses to emit, and the order
its files load in. Its output itself is drift-tested in test_manifest.py and run by the
Ruby SDK's own tests."""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sdks"))
ruby = importlib.import_module("codegen.ruby")
common = importlib.import_module("codegen.common")


@pytest.fixture
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = common.load()
    return copy.deepcopy(loaded)


def test_a_held_object_loads_before_the_object_holding_it(manifest: dict[str, Any]) -> None:
    order = ruby.ordered_objects(manifest, ruby.Names(manifest))
    assert order.index("LineItem") < order.index("Order")
    assert order.index("PaymentCard") < order.index("Payment") < order.index("Order")
    assert sorted(order) == sorted(manifest["objects"])


def test_objects_holding_each_other_in_a_cycle_are_refused(manifest: dict[str, Any]) -> None:
    held = {"name": "order", "type": {"type": "ref", "name": "Order"}}
    manifest["objects"]["LineItem"]["fields"].append(held)
    with pytest.raises(SystemExit, match="cycle"):
        ruby.emit(manifest)


def test_a_ruby_keyword_as_a_parameter_is_refused(manifest: dict[str, Any]) -> None:
    method = manifest["resources"]["orders"]["methods"][0]
    method["query_params"].append({"name": "end", "type": {"type": "string"}, "required": False})
    with pytest.raises(SystemExit, match="'end'"):
        ruby.emit(manifest)


def test_a_field_hiding_an_objects_own_method_is_refused(manifest: dict[str, Any]) -> None:
    manifest["objects"]["Order"]["fields"].append({"name": "hash", "type": {"type": "string"}})
    with pytest.raises(SystemExit, match="'hash'"):
        ruby.emit(manifest)


def test_a_type_named_as_the_core_is_refused(manifest: dict[str, Any]) -> None:
    manifest["objects"]["Client"] = {"fields": []}
    with pytest.raises(SystemExit, match="Stateset::Client"):
        ruby.emit(manifest)


def test_enum_values_become_constants() -> None:
    assert [ruby.constant(v) for v in ("per_minute", "sk", "2fa", "a-b")] == [
        "PER_MINUTE",
        "SK",
        "V_2FA",
        "A_B",
    ]
    assert ruby.snake("CustomerSubscription") == "customer_subscription"
