"""Open Inference Protocol V2 (KServe, MLServer, Triton) REST shapes, and the plain JSON form.

Requests carry either one input per feature (``shape [n]`` or ``[n, 1]``, MLServer's pandas codec)
or one 2-D input of ``shape [n, features]`` in the model's feature order. Both become a list of
rows (feature name -> value) here; nothing else of the gateway sees the wire format.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATATYPES = frozenset({"BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
                       "FP16", "FP32", "FP64", "BYTES"})
PROTOCOL = "v2"


class ProtocolError(ValueError):
    """A request that does not follow the protocol (HTTP 400), with the reason for the caller."""


class RequestInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=256)
    shape: list[int]
    datatype: str
    parameters: dict[str, Any] | None = None
    data: list[Any]


class RequestOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=256)
    parameters: dict[str, Any] | None = None


class InferenceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=256)
    parameters: dict[str, Any] | None = None
    inputs: list[RequestInput] = Field(min_length=1)
    outputs: list[RequestOutput] | None = None


class ResponseOutput(BaseModel):
    name: str
    shape: list[int]
    datatype: str
    data: list[Any]


class InferenceResponse(BaseModel):
    model_name: str
    model_version: str | None = None
    id: str | None = None
    parameters: dict[str, Any] | None = None
    outputs: list[ResponseOutput]


class PlainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instances: list[dict[str, Any]] = Field(min_length=1)
    probabilities: bool = False


def parse(model: type[BaseModel], doc: Any) -> Any:
    """``doc`` as ``model``, or a ProtocolError naming the first wrong field."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ProtocolError(f"{where}: {first['msg']}") from None


def _flatten(data: list[Any]) -> list[Any]:
    """Row-major data may come nested (``[[1, 2], [3, 4]]``) or flat; the protocol allows both."""
    if data and isinstance(data[0], list):
        return [v for item in data for v in _flatten(item)]
    return data


def rows_of(request: InferenceRequest, features: tuple[str, ...]) -> list[dict[str, Any]]:
    """The request's rows, feature name -> value; ProtocolError when shapes and data disagree."""
    columns: dict[str, list[Any]] = {}
    for item in request.inputs:
        if item.datatype not in DATATYPES:
            raise ProtocolError(f"input {item.name!r}: unknown datatype {item.datatype!r}")
        if any(s < 0 for s in item.shape) or not item.shape:
            raise ProtocolError(f"input {item.name!r}: invalid shape {item.shape}")
        data = _flatten(item.data)
        if len(data) != math.prod(item.shape):
            raise ProtocolError(f"input {item.name!r}: {len(data)} values for shape {item.shape}")
        wide = len(item.shape) == 2 and item.shape[1] > 1
        if wide:
            width = item.shape[1]
            if width != len(features):
                raise ProtocolError(f"input {item.name!r}: {width} columns; the model reads {len(features)} "
                                    f"({', '.join(features)})")
            for j, name in enumerate(features):
                columns[name] = data[j::width]
            continue
        if len(item.shape) > 2 or (len(item.shape) == 2 and item.shape[1] != 1):
            raise ProtocolError(f"input {item.name!r}: shape {item.shape}; give [rows] per feature or "
                                "[rows, features]")
        if item.name in columns:
            raise ProtocolError(f"input {item.name!r} given twice")
        columns[item.name] = data
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ProtocolError(f"inputs of different lengths ({', '.join(map(str, sorted(lengths)))} rows)")
    n = lengths.pop() if lengths else 0
    names = list(columns)
    return [{name: columns[name][i] for name in names} for i in range(n)]


def datatype_of(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "BOOL"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "INT64"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "FP64"
    return "BYTES"


def server_metadata(version: str) -> dict[str, Any]:
    return {"name": "secplan", "version": version, "extensions": []}
