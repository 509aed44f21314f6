"""JSON Schemas of the Open Inference Protocol V2 REST documents the gateway returns (from the
protocol's specification: server and model metadata, inference response, error)."""

from __future__ import annotations

TENSOR = {"type": "object", "required": ["name", "shape", "datatype", "data"],
          "properties": {"name": {"type": "string"}, "shape": {"type": "array", "items": {"type": "integer"}},
                         "datatype": {"enum": ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16",
                                               "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"]},
                         "parameters": {"type": "object"}, "data": {"type": "array"}}}
METADATA_TENSOR = {"type": "object", "required": ["name", "datatype", "shape"],
                   "properties": {"name": {"type": "string"}, "datatype": {"type": "string"},
                                  "shape": {"type": "array", "items": {"type": "integer"}}}}
SERVER_METADATA = {"type": "object", "required": ["name", "version", "extensions"],
                   "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                                  "extensions": {"type": "array", "items": {"type": "string"}}}}
MODEL_METADATA = {"type": "object", "required": ["name", "platform", "inputs", "outputs"],
                  "properties": {"name": {"type": "string"}, "versions": {"type": "array", "items": {"type": "string"}},
                                 "platform": {"type": "string"}, "inputs": {"type": "array", "items": METADATA_TENSOR},
                                 "outputs": {"type": "array", "items": METADATA_TENSOR}}}
INFERENCE_RESPONSE = {"type": "object", "required": ["model_name", "outputs"],
                      "properties": {"model_name": {"type": "string"}, "model_version": {"type": "string"},
                                     "id": {"type": "string"}, "parameters": {"type": "object"},
                                     "outputs": {"type": "array", "items": TENSOR}}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
         "additionalProperties": False}
READY = {"type": "object", "required": ["ready"], "properties": {"ready": {"type": "boolean"}}}
LIVE = {"type": "object", "required": ["live"], "properties": {"live": {"type": "boolean"}}}
