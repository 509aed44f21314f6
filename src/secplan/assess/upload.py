"""Sending an assessment to a secplan server (``secplan assess --upload URL``): CI feeds the
control plane, which keeps the history per project and branch.

The token comes from ``SECPLAN_SERVER_TOKEN`` only (never a flag: flags end up in CI logs and
process lists) and is never printed; errors name the server and the HTTP status at most.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from secplan.assess.result import AssessmentDoc
from secplan.errors import InputError

TOKEN_ENV = "SECPLAN_SERVER_TOKEN"
PATH = "/api/v1/assessments"
TIMEOUT = 60.0


@dataclass(frozen=True)
class Uploaded:
    id: int
    url: str
    new: int
    fixed: int


def endpoint(url: str) -> str:
    """The upload URL for a server's base URL (or for the upload URL itself)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"--upload {url!r}: give the server's http(s) URL (for example https://secplan.example.com)")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise InputError(f"--upload {url!r}: use https:// (the token and the report would travel in clear)")
    base = url.strip().rstrip("/")
    return base if base.endswith(PATH) else base + PATH


def upload(url: str, doc: AssessmentDoc, *, project: str | None, branch: str | None, commit: str | None,
           pipeline: str | None) -> Uploaded:
    """POST the report; raises InputError (exit 2) with the server's own message when it refuses."""
    import httpx

    target = endpoint(url)
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise InputError(f"--upload needs a token in ${TOKEN_ENV} (`secplan tokens create USER` on the server's "
                         "database; a CI secret)")
    body: dict[str, Any] = {"report": doc.model_dump(mode="json"), "project": project, "branch": branch,
                            "commit": commit, "pipeline": pipeline}
    try:
        response = httpx.post(target, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise InputError(f"--upload {target}: cannot reach the server ({type(exc).__name__})") from None
    if response.status_code != 201:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.reason_phrase
        raise InputError(f"--upload {target}: the server refused the report ({response.status_code}): {message}")
    answer = response.json()
    base = target[: -len(PATH)]
    return Uploaded(int(answer["id"]), base + str(answer["url"]), int(answer["new"]), int(answer["fixed"]))
