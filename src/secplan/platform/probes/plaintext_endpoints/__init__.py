"""Remote services are reached over TLS (PS-4)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

URL = re.compile(r"\b(https?)://([A-Za-z0-9.-]+)(?::\d+)?")
EXEMPT_HOSTS = ("localhost", "127.", "0.0.0.0", "example.com", "example.org", "example.net", "www.w3.org",
                "schemas.", "json-schema.org", "xmlns", "purl.org", "host.docker.internal")


def _exempt(host: str) -> bool:
    return host.startswith(EXEMPT_HOSTS) or host.endswith((".example.com", ".local", ".svc", ".cluster.local"))


def run(ev: Evidence) -> Iterator[Result]:
    files = ev.files_of(AssetKind.CODE, AssetKind.NOTEBOOK, AssetKind.INFRASTRUCTURE)
    files += [f for f in ev.files_of(AssetKind.OTHER) if f.path.endswith((".yml", ".yaml", ".toml", ".ini", ".cfg", ".env", ".conf"))]
    checked = False
    for f in files:
        text = read_text(ev.root / f.path)
        if not text:
            continue
        tls = plain = 0
        for number, line in enumerate(text.splitlines(), start=1):
            for scheme, host in URL.findall(line):
                if _exempt(host):
                    continue
                checked = True
                if scheme == "http":
                    plain += 1
                    yield negative(f"plain HTTP to {host}", Location(f.path, number), key=f"{f.path}|{host}")
                else:
                    tls += 1
        if tls and not plain:
            yield positive(f"{tls} remote service URL(s), all over TLS", Location(f.path))
    if not checked:
        yield not_applicable("no remote service URLs in code or configuration")
