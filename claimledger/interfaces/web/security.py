"""The web app's guards: a Content-Security-Policy and related headers on every response, a cap
on request bodies, and the token that writing (and, off loopback, reading) requires."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Optional

from fastapi import HTTPException, Request

# Plotly adds its rules through an empty <style> element and the CSSOM; the hash admits that empty
# element only (it is the hash of ''), so no inline style text and no inline script can run.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = (f"default-src 'self'; script-src 'self'; style-src 'self' {EMPTY_STYLE_HASH}; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"x-frame-options", b"DENY")]
TOKEN_COOKIE = "claimledger_token"
DEFAULT_MAX_BODY = 4 * 1024 * 1024  # bytes: an upload of a few long articles, never an archive


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


class GuardMiddleware:
    """Pure ASGI (no per-request task switch): adds the security headers and refuses bodies over
    ``max_body`` bytes with 413, by the declared length or as they stream in."""

    def __init__(self, app, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self.refuse(send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self.refuse(send)

    async def refuse(self, send) -> None:
        body = b'{"detail":"request body too large (limit %d bytes)"}' % self.max_body
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), *HEADERS]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


def presented_token(request: Request, form_token: Optional[str] = None) -> Optional[str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-claimledger-token") or form_token or request.cookies.get(TOKEN_COOKIE)


def check_token(request: Request, form_token: Optional[str] = None) -> None:
    expected = request.app.state.token
    given = presented_token(request, form_token)
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="a valid token is needed (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})


async def check_read(request: Request) -> None:
    """Reading is open when the server listens on loopback only; otherwise it needs the token too.
    (Async, like the read endpoints: they run on the event loop, without a thread hop per request.)"""
    if request.app.state.reads_need_token:
        check_token(request)
