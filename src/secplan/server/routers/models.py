"""``/api/v1/projects/{project}/models``: registered models and their versions."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.queries import models as queries
from secplan.server.schemas_records import ModelOut, VersionDetail, VersionOut

router = APIRouter(prefix="/api/v1/projects/{project}/models", tags=["models"], responses=COMMON)


@router.get("", response_model=list[ModelOut], summary="The project's registered models")
def list_models(project: str, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> list[ModelOut]:
    target, _ = in_project(ctx, who, project, "read", "model")
    return [ModelOut(**m) for m in queries.models(ctx.store, target.id)]


@router.get("/{name}/versions", response_model=list[VersionOut], summary="A model's versions, oldest first")
def list_versions(project: str, name: str, ctx: Context = Depends(context),
                  who: Identity = Depends(caller)) -> list[VersionOut]:
    target, _ = in_project(ctx, who, project, "read", f"model:{name}")
    found = queries.versions(ctx.store, target.id, name)
    if not found:
        raise ApiError(404, f"no model {name!r} in project {target.name!r}")
    return [VersionOut(**v) for v in found]


@router.get("/{name}/versions/{version}", response_model=VersionDetail, summary="One model version, in full")
def get_version(project: str, name: str, version: str, ctx: Context = Depends(context),
                who: Identity = Depends(caller)) -> VersionDetail:
    target, _ = in_project(ctx, who, project, "read", f"model:{name}")
    found = queries.versions(ctx.store, target.id, name, version)
    if not found:
        raise ApiError(404, f"no model {name}@{version} in project {target.name!r}")
    return VersionDetail(**found[0])
