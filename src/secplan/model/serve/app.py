"""The REST routes: Open Inference Protocol V2, the plain JSON ``/predict`` form and ``/metrics``.

No management route exists on the serving port. Every error is ``{"error": ...}`` with a 4xx (or
502 when the model itself fails); bodies over the size limit get a 413 before they are parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from secplan.web.body import TooLarge, read_body

if TYPE_CHECKING:
    from secplan.model.serve.gateway import Gateway


def build(gateway: Gateway) -> FastAPI:
    from secplan import __version__
    from secplan.model.serve import protocol

    app = FastAPI(title="secplan model gateway", docs_url=None, redoc_url=None, openapi_url=None)

    def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error(400, str(exc.errors()[0].get("msg", "invalid request")))

    def known(name: str, version: str | None = None) -> JSONResponse | None:
        if name != gateway.name:
            return error(404, f"model {name!r} is not served here (this gateway serves {gateway.name!r})")
        if version is not None and version != gateway.version:
            return error(404, f"{name} version {version!r} is not served here (serving {gateway.version})")
        return None

    async def allowed(request: Request) -> JSONResponse | None:
        caller = await run_in_threadpool(gateway.auth.check, request.headers.get("authorization"),
                                         request.client.host if request.client else "unknown")
        if caller.status == 401:
            return error(401, f"authentication required: {caller.reason}", {"WWW-Authenticate": "Bearer"})
        if caller.status == 403:
            return error(403, caller.reason)
        return None

    @app.get("/v2")
    async def server_metadata() -> dict:
        return protocol.server_metadata(__version__)

    @app.get("/v2/health/live")
    async def live() -> dict:
        return {"live": True}

    @app.get("/v2/health/ready")
    async def ready() -> JSONResponse:
        return JSONResponse({"ready": gateway.ready}, status_code=200 if gateway.ready else 503)

    @app.get("/v2/models/{name}")
    @app.get("/v2/models/{name}/versions/{version}")
    async def model_metadata(request: Request, name: str, version: str | None = None) -> JSONResponse:
        refused = known(name, version) or await allowed(request)
        return refused or JSONResponse(gateway.metadata())

    @app.get("/v2/models/{name}/ready")
    @app.get("/v2/models/{name}/versions/{version}/ready")
    async def model_ready(name: str, version: str | None = None) -> JSONResponse:
        refused = known(name, version)
        return refused or JSONResponse({"name": name, "ready": gateway.ready},
                                       status_code=200 if gateway.ready else 503)

    async def infer(request: Request, form: str) -> JSONResponse:
        try:
            body = await read_body(request, gateway.settings.max_body)
        except TooLarge:
            reply = await run_in_threadpool(gateway.refuse_large, request.headers.get("authorization"),
                                            request.client.host if request.client else "unknown")
        else:
            reply = await run_in_threadpool(gateway.handle, body, request.headers.get("authorization"),
                                            request.client.host if request.client else "unknown", form)
        return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)

    @app.post("/v2/models/{name}/infer")
    @app.post("/v2/models/{name}/versions/{version}/infer")
    async def v2_infer(request: Request, name: str, version: str | None = None) -> JSONResponse:
        return known(name, version) or await infer(request, "v2")

    @app.post("/predict")
    async def plain_predict(request: Request) -> JSONResponse:
        return await infer(request, "plain")

    @app.get("/metrics")
    async def metrics(request: Request) -> PlainTextResponse:
        refused = await allowed(request)
        if refused is not None:
            return refused  # type: ignore[return-value]
        status = gateway.watch.status if gateway.watch is not None else None
        return PlainTextResponse(gateway.metrics.render(status), media_type="text/plain; version=0.0.4")

    return app
