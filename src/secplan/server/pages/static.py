"""The dashboard's stylesheet and script: the HTML report's stylesheet (rendered from the report's own
template, with its palette) followed by the few rules pages add, and one small script."""

from __future__ import annotations

import functools
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(prefix="/ui/static", include_in_schema=False)


@functools.cache
def stylesheet() -> str:
    from secplan.server.pages.web import environment

    env = environment()
    return env.get_template("report.css.j2").render() + "\n" + env.get_template("dashboard.css.j2").render()


@router.get("/dashboard.css")
def css() -> Response:
    return Response(stylesheet(), media_type="text/css; charset=utf-8")


@router.get("/dashboard.js")
def js() -> Response:
    script = files("secplan.server.pages").joinpath("templates", "dashboard.js").read_text(encoding="utf-8")
    return Response(script, media_type="text/javascript; charset=utf-8")
