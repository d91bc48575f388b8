"""Webhook signatures in the Standard Webhooks style (https://www.standardwebhooks.com/).

A delivery carries ``webhook-id`` (the event's id: the same on every retry and replay, so a
receiver can drop duplicates), ``webhook-timestamp`` (Unix seconds, so a receiver can refuse
old messages and replays of captured ones) and ``webhook-signature``: ``v1,<base64>``, the
HMAC-SHA256 of ``"<id>.<timestamp>.<body>"`` under the endpoint's secret. A secret reads
``whsec_<base64 key>``; the HMAC key is the decoded part, as Standard Webhooks' libraries use
it. During a rotation the header holds one signature per valid secret, separated by spaces.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_)


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    expected = signature(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
