"""Check every answer of the server against its own OpenAPI document (JSON Schema 2020-12)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import jsonschema


class Contract:
    """The server's OpenAPI document, and which of its operations the tests have exercised."""

    def __init__(self, document: dict[str, Any]) -> None:
        assert document["openapi"].startswith("3.1"), document["openapi"]
        self.document = document
        self.seen: Counter[tuple[str, str]] = Counter()
        self._routes = [(re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$"), path)
                        for path in document["paths"]]
        # literal segments first, so /findings/export is not taken for /findings/{id}
        self._routes.sort(key=lambda r: r[1].count("{"))

    def template(self, path: str) -> str:
        for pattern, template in self._routes:
            if pattern.match(path):
                return template
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def check(self, response: httpx.Response) -> None:
        """The answer's status is documented for its operation and its JSON body fits the schema."""
        request = response.request
        template = self.template(request.url.path)
        method = request.method.lower()
        operation = self.document["paths"][template].get(method)
        assert operation is not None, f"{method.upper()} {template} is not documented"
        self.seen[(method, template)] += 1
        if response.status_code == 304:
            return
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, (f"{method.upper()} {template} answered {response.status_code}, "
                                        f"documented: {sorted(operation['responses'])}: {response.text[:300]}")
        content = documented.get("content", {})
        kind = response.headers.get("content-type", "").split(";")[0]
        if kind != "application/json":
            assert kind in content, f"{kind} is not documented for {method.upper()} {template}"
            return
        schema = content.get("application/json", {}).get("schema")
        assert schema is not None, f"{method.upper()} {template} {response.status_code}: no JSON schema"
        wrapped = {**schema, "components": self.document.get("components", {})}
        jsonschema.Draft202012Validator(wrapped).validate(response.json())
