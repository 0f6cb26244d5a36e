"""Alerts POSTed to a webhook as JSON, in the order they fired, signed with HMAC-SHA256 when a secret is set.

Delivery is at least once: the ledger moves a webhook's cursor past an alert only after the
receiver answered 2xx, so an alert whose answer was lost (a kill, a timeout) is sent again, with
the same ``id`` (also in the ``X-Claimledger-Alert`` header) for the receiver to deduplicate."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Optional

from ..errors import DeliveryFailed
from ..ingest.readers import USER_AGENT
from .rules import Alert

SIGNATURE_HEADER = "X-Claimledger-Signature"
ALERT_HEADER = "X-Claimledger-Alert"


@dataclass
class Webhook:
    url: str
    secret: Optional[str] = None
    timeout_s: float = 10.0
    attempts: int = 4  # per alert and round; a receiver still failing is tried again next round
    first_backoff_s: float = 1.0


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def body_of(alert: Alert) -> bytes:
    return json.dumps(alert.payload(), ensure_ascii=False, sort_keys=True).encode("utf-8")


def post(webhook: Webhook, alert: Alert) -> None:
    """One POST of one alert; raises DeliveryFailed unless the receiver answers 2xx."""
    body = body_of(alert)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, ALERT_HEADER: str(alert.id)}
    if webhook.secret:
        headers[SIGNATURE_HEADER] = signature(webhook.secret, body)
    request = urllib.request.Request(webhook.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=webhook.timeout_s) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(webhook.url, problem=f"alert {alert.id}: HTTP {exc.code} {exc.reason}") from None
    except (OSError, ValueError) as exc:
        problem = str(getattr(exc, "reason", exc)) or type(exc).__name__
        raise DeliveryFailed(webhook.url, problem=f"alert {alert.id}: {problem[:200]}") from None


def send(webhook: Webhook, alert: Alert, stop: Optional[threading.Event] = None) -> None:
    """POST with retries, waiting longer after each failure (exponential, with jitter); the last
    failure is raised.  A set ``stop`` ends the waiting early."""
    for attempt in range(webhook.attempts):
        try:
            post(webhook, alert)
            return
        except DeliveryFailed:
            if attempt == webhook.attempts - 1 or (stop is not None and stop.is_set()):
                raise
        (stop or threading.Event()).wait(webhook.first_backoff_s * 2 ** attempt * random.uniform(0.5, 1.5))
