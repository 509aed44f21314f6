"""Which registered version an endpoint evaluation is evidence for, if any.

An endpoint is a black box: the only link to the registry is the digest it reports in its V2 model
metadata (``parameters.digest``; secplan's gateway reports the digest it verified before loading).
The result is bound to a version only when that digest is the same before and after the run, no
inference answer reported another, and a registered version of the project has exactly that digest
(the named one, when the label is ``NAME@VERSION``). Anything else is said, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from secplan.errors import InputError

if TYPE_CHECKING:
    from secplan.model.registry.versions import ModelVersion
    from secplan.store.db import Store


@dataclass(frozen=True)
class Binding:
    version: ModelVersion | None
    """The registered version the result is evidence for; None when it is for none."""
    reported: str | None
    """The digest the endpoint reported (``sha256:<hex>``), None when it reported none."""
    why: str
    """Why it is bound, or why not, in one line."""


def public_url(url: str) -> str:
    """The endpoint URL without user info, query or fragment (what a stored result may name)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def bind(store: Store | None, label: str, before: str | None, after: str | None,
         answered: Iterable[str | None]) -> Binding:
    """The version whose digest the endpoint reported throughout the run (see the module docstring)."""
    from secplan.model.registry.versions import all_versions, get_version

    if before is None:
        return Binding(None, None, "the endpoint reports no digest (parameters.digest of its V2 model metadata)")
    if after != before:
        return Binding(None, before, f"the endpoint reported {before} before the run and {after or 'none'} after: "
                                     "the served model changed")
    others = sorted(d for d in set(answered) if d is not None and d != before)
    if others:
        return Binding(None, before, f"inference answers reported {', '.join(others)}, not the metadata's {before}")
    if store is None:
        return Binding(None, before, "no registry to look the digest up in")
    if "@" in label:
        try:
            named = get_version(store, label, exact=True)
        except InputError:
            named = None
        if named is not None:
            if f"sha256:{named.root_digest}" == before:
                return Binding(named, before, f"the endpoint reports the digest of {named.ref}")
            return Binding(None, before, f"the endpoint reports {before}, but {named.ref} is "
                                         f"sha256:{named.root_digest}")
    name = label.split("@", 1)[0]
    matches = [v for v in all_versions(store) if f"sha256:{v.root_digest}" == before]
    matches.sort(key=lambda v: (v.name != name, -v.seq))  # the label's model first, newest version first
    if not matches:
        return Binding(None, before, f"the endpoint reports {before}, which no registered version has")
    return Binding(matches[0], before, f"the endpoint reports the digest of {matches[0].ref}")
