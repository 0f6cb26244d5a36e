"""The web app and HTTP API over a ledger: ``create_app(db)`` for uvicorn or tests.

Every asset is served by the app itself: its own CSS and scripts, and Plotly's bundle from the
``plotly`` package installed by pip.  Nothing is fetched from elsewhere."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional, Union

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .access import LedgerAccess
from .security import DEFAULT_MAX_BODY, GuardMiddleware, new_token

STATIC = Path(__file__).parent / "static"
# Plotly's bundle inlines the CSS of map libraries we never draw, each guarded by an element id;
# pages carry an element with each such id so that CSS (which the CSP would block) is never added.
STYLE_GUARD = re.compile(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)')


def plotly_bundle() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_style_guards(bundle: Path) -> list[str]:
    return STYLE_GUARD.findall(bundle.read_text(encoding="utf-8"))


def create_app(db: Union[str, Path], token: Optional[str] = None, reads_need_token: bool = False,
               max_body: int = DEFAULT_MAX_BODY, model: Optional[str] = None,
               allowed_hosts: Optional[frozenset[str]] = None) -> FastAPI:
    """The app over the ledger at ``db``; writing needs ``token`` (a random one when not given);
    with ``allowed_hosts``, requests naming any other Host are refused."""
    from . import api, pages, watching

    access = LedgerAccess(db, model)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        access.close()

    app = FastAPI(title="claimledger", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The claim ledger as JSON. Reading is open on loopback; writing needs the token "
                              f"(Authorization: Bearer TOKEN). Request bodies are limited to {max_body} bytes.")
    app.state.access = access
    app.state.token = token or new_token()
    app.state.reads_need_token = reads_need_token
    app.add_middleware(GuardMiddleware, max_body=max_body, allowed_hosts=allowed_hosts)
    app.include_router(api.router)
    app.include_router(watching.api_router)
    app.include_router(watching.page_router)
    app.include_router(pages.router)
    bundle = plotly_bundle()
    app.state.plotly_style_guards = plotly_style_guards(bundle)

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(bundle, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request):
        """The API's endpoints as a page of our own (Swagger UI would load its assets from a CDN)."""
        schema = app.openapi()
        endpoints = [{"method": method.upper(), "path": path, "summary": spec.get("summary", ""),
                      "parameters": spec.get("parameters", [])}
                     for path, methods in schema["paths"].items() for method, spec in methods.items()]
        return pages.render(request, "docs.html", endpoints=endpoints, description=schema["info"]["description"])

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: RequestValidationError):
        """A malformed id or parameter: JSON for the API, a page naming the problem for people."""
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return pages.render(request, "error.html", status_code=422, status=422, detail=problems)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException):
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return pages.render(request, "error.html", status_code=error.status_code, status=error.status_code,
                            detail=error.detail)

    return app

