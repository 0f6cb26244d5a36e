"""The web app's guards: a Content-Security-Policy and related headers on every response, a cap
on request bodies, and the token that writing (and, off loopback, reading) requires."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Optional
from urllib.parse import urlsplit

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


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(header: bytes) -> str:
    try:
        return (urlsplit("//" + header.decode("latin-1")).hostname or "").lower()
    except ValueError:
        return ""


class GuardMiddleware:
    """Pure ASGI (no per-request task switch): adds the security headers, refuses bodies over
    ``max_body`` bytes with 413 (by the declared length or as they stream in), and, when
    ``allowed_hosts`` is given, requests for any other Host (DNS rebinding of a loopback server)."""

    def __init__(self, app, max_body: int, allowed_hosts: Optional[frozenset[str]] = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if self.allowed_hosts is not None and host_name(headers.get(b"host", b"")) not in self.allowed_hosts:
            return await self.refuse(send, 400, b'{"detail":"unknown Host header"}')
        declared = headers.get(b"content-length")
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

    async def refuse(self, send, status: int = 413, body: Optional[bytes] = None) -> None:
        body = body or b'{"detail":"request body too large (limit %d bytes)"}' % self.max_body
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), *HEADERS]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised while a body without a declared length streams in; an HTTPException so that body
    parsing passes it on (it turns other errors into 400) and it is answered with 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")


def presented_token(request: Request, form_token: Optional[str] = None, allow_cookie: bool = False
                    ) -> Optional[str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    given = request.headers.get("x-claimledger-token") or form_token
    return given or (request.cookies.get(TOKEN_COOKIE) if allow_cookie else None)


def check_token(request: Request, form_token: Optional[str] = None, allow_cookie: bool = False) -> None:
    expected = request.app.state.token
    given = presented_token(request, form_token, allow_cookie)
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="a valid token is needed (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})


def check_write(request: Request, form_token: Optional[str] = None) -> None:
    """Writing needs the token itself (a header or the form's field, never a cookie a browser would
    send on its own) from a page of this server (a cross-site Origin is refused)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(status_code=403, detail="cross-site request refused")
    check_token(request, form_token)


async def check_read(request: Request) -> None:
    """Reading is open when the server listens on loopback only; otherwise it needs the token too
    (a header, or the claimledger_token cookie for browsers).  Async, like the read endpoints:
    they run on the event loop, without a thread hop per request."""
    if request.app.state.reads_need_token:
        check_token(request, allow_cookie=True)
