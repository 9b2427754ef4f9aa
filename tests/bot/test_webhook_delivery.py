"""Signatures and reading a delivery: pure functions, plain values."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhooks.delivery import DeliveryRejected, read_delivery
from webhooks.signature import sign, verify

SECRET = b"It's a Secret to Everybody"


def test_sign_matches_githubs_documented_example():
    # The example from GitHub's "Validating webhook deliveries" page.
    assert sign(SECRET, b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


@given(st.binary(max_size=200))
def test_verify_accepts_its_own_signature_and_nothing_else(body):
    header = sign(SECRET, body)
    assert verify(SECRET, body, header)
    assert not verify(SECRET + b"x", body, header)
    assert not verify(SECRET, body + b"x", header)
    assert not verify(SECRET, body, header.replace("sha256=", "sha1="))


@pytest.mark.parametrize("header", [None, "", "sha256=", "sha256=zz", "é"])
def test_verify_rejects_missing_and_malformed_headers(header):
    assert not verify(SECRET, b"{}", header)


def test_an_empty_secret_accepts_nothing():
    assert not verify(b"", b"{}", sign(b"", b"{}"))


def _headers(body: bytes, **extra: str) -> dict[str, str]:
    return {
        "X-Hub-Signature-256": sign(SECRET, body),
        "X-GitHub-Delivery": "abc",
        "X-GitHub-Event": "issue_comment",
        **extra,
    }


def test_read_delivery_gives_ids_and_numbers():
    body = json.dumps(
        {
            "action": "created",
            "issue": {"number": 12},
            "repository": {"full_name": "o/r"},
            "installation": {"id": 5},
        }
    ).encode()
    d = read_delivery(_headers(body), body, SECRET, 1000)
    assert (d.id, d.event, d.action, d.issue_number, d.repository, d.installation_id) == (
        "abc",
        "issue_comment",
        "created",
        12,
        "o/r",
        5,
    )


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"x" * 1001, None, 413),
        (b"{}", {"X-Hub-Signature-256": "sha256=00"}, 401),
        (b"{", None, 400),
        (b"[]", None, 400),
        (b"\xff\xfe", None, 400),
        (b"{}", {"X-GitHub-Delivery": ""}, 400),
    ],
)
def test_read_delivery_refuses(body, headers, status):
    all_headers = {**_headers(body), **(headers or {})}
    with pytest.raises(DeliveryRejected) as info:
        read_delivery(all_headers, body, SECRET, 1000)
    assert info.value.status == status
