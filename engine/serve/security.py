"""Who may ask, and what a page may load.

Bound to 127.0.0.1 the server answers only requests addressed to this machine by name (the Host
header: a web page elsewhere cannot reach it through DNS rebinding). Bound to another address it
asks every request for the token ``iku serve`` printed: ``?token=`` once (then kept in a cookie
for this site only), the cookie, or ``Authorization: Bearer``. Every answer forbids loading
anything from another origin (Content-Security-Policy) and being framed.
"""

from __future__ import annotations

import errno
import secrets
import socket
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

COOKIE = "iku_token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
PAGE_POLICY = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# The framework's API page is Swagger UI: its script is served from here, started by an inline script.
DOCS_POLICY = PAGE_POLICY.replace("script-src 'none'", "script-src 'self' 'unsafe-inline'")


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


class CannotListen(Exception):
    """The address and port ``iku serve`` was asked to listen on cannot be had."""


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is printed or served (bound as uvicorn binds one): a port
    another program holds is named in words, not in uvicorn's log line with its own exit code."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host.strip("[]"), port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise CannotListen(f"port {port} di {host} sudah dipakai program lain; pilih port lain dengan --port") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise CannotListen(f"port {port} di {host} tidak boleh dipakai pengguna ini; pilih port di atas 1024 "
                               "dengan --port") from None
        raise CannotListen(f"tidak dapat mendengar di {host} port {port}: alamat ini bukan alamat mesin ini "
                           f"atau tidak dikenal ({errno.errorcode.get(error.errno or 0, 'galat')})") from None
    return listener


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _offered(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(COOKIE)


class Guard(BaseHTTPMiddleware):
    def __init__(self, app: object, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if self.token is not None:
            offered = _offered(request)
            if offered is None or not secrets.compare_digest(offered.encode(), self.token.encode()):
                return PlainTextResponse("Perlu token: buka alamat yang dicetak `iku serve` (…?token=…), atau kirim "
                                         "header Authorization: Bearer TOKEN.", status_code=401)
        response = await call_next(request)
        if self.token is not None and request.query_params.get("token") == self.token:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
        docs = request.url.path.startswith(("/docs", "/aset-docs"))
        response.headers["Content-Security-Policy"] = DOCS_POLICY if docs else PAGE_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
