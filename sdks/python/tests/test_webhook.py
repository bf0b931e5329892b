"""Webhook verification from the raw body: StateSet-Signature is
``t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``, one v1 per secret in force."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import stateset

SECRET = "whsec_new"
OLD_SECRET = "whsec_old"
BODY = json.dumps(
    {
        "id": "evt_1",
        "object": "event",
        "type": "order.created",
        "api_version": "2024-01-01",
        "created": "2026-01-01T00:00:00Z",
        "livemode": False,
        "account": "acct_1",
        "sequence": 7,
        "data": {"object": {"id": "ord_1", "object": "order"}},
        "request": {"id": "req_1", "idempotency_key": None},
    }
).encode()


def header(*secrets: str, at: int | None = None, body: bytes = BODY) -> str:
    stamp = int(time.time()) if at is None else at
    signed = str(stamp).encode() + b"." + body
    signatures = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in secrets]
    return ",".join([f"t={stamp}", *(f"v1={v}" for v in signatures)])


def test_the_raw_body_verifies_as_bytes_or_str_and_gives_the_typed_event() -> None:
    event = stateset.Webhook.construct_event(BODY, header(SECRET), SECRET)
    assert isinstance(event, stateset.types.Event)
    assert (event.id, event.type, event.sequence) == ("evt_1", "order.created", 7)
    assert event.request.id == "req_1"
    assert stateset.Webhook.construct_event(BODY.decode(), header(SECRET), SECRET).id == "evt_1"


def test_during_a_rotation_either_secret_verifies_the_two_v1s() -> None:
    rotating = header(OLD_SECRET, SECRET)
    assert stateset.Webhook.construct_event(BODY, rotating, SECRET).id == "evt_1"
    assert stateset.Webhook.construct_event(BODY, rotating, OLD_SECRET).id == "evt_1"
    # A receiver holding both secrets accepts a header signed with either.
    assert stateset.Webhook.construct_event(BODY, header(OLD_SECRET), [SECRET, OLD_SECRET]).id


def test_one_byte_changed_does_not_verify() -> None:
    changed = BODY.replace(b"evt_1", b"evt_2")
    assert len(changed) == len(BODY)
    with pytest.raises(stateset.SignatureVerificationError, match="no v1 signature matches"):
        stateset.Webhook.construct_event(changed, header(SECRET), SECRET)


def test_a_timestamp_outside_the_tolerance_does_not_verify() -> None:
    now = int(time.time())
    with pytest.raises(stateset.SignatureVerificationError, match="tolerance"):
        stateset.Webhook.construct_event(BODY, header(SECRET, at=now - 301), SECRET)
    with pytest.raises(stateset.SignatureVerificationError, match="tolerance"):
        stateset.Webhook.construct_event(BODY, header(SECRET, at=now + 301), SECRET)
    assert stateset.Webhook.construct_event(BODY, header(SECRET, at=now - 290), SECRET).id
    old = header(SECRET, at=now - 3600)
    assert stateset.Webhook.construct_event(BODY, old, SECRET, tolerance=7200).id


@pytest.mark.parametrize("bad", ["garbage", "t=abc,v1=00", f"t={int(time.time())}", "v1=00", ""])
def test_a_malformed_header_does_not_verify(bad: str) -> None:
    with pytest.raises(stateset.SignatureVerificationError) as raised:
        stateset.Webhook.construct_event(BODY, bad, SECRET)
    assert raised.value.sig_header == bad


def test_another_secret_does_not_verify() -> None:
    with pytest.raises(stateset.SignatureVerificationError):
        stateset.Webhook.construct_event(BODY, header("whsec_other"), SECRET)


def test_a_parsed_body_is_refused_saying_to_pass_the_raw_one() -> None:
    with pytest.raises(TypeError, match="raw request body"):
        stateset.Webhook.construct_event(json.loads(BODY), header(SECRET), SECRET)


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    constant_time = hmac.compare_digest

    def compare_digest(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(hmac, "compare_digest", compare_digest)
    stateset.Webhook.construct_event(BODY, header(OLD_SECRET, SECRET), [SECRET, OLD_SECRET])
    # Every v1 against every secret, with no early exit on the first match.
    assert len(compared) == 4
