"""Dockerfile checks: root user, unpinned base images, secrets in ENV/ARG, ADD from URLs, and ML servers
started by RUN/CMD/ENTRYPOINT."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from secplan.platform.config.locate import CommandLines
from secplan.platform.config.mlservers import check_command, check_env, logical_lines
from secplan.platform.findings import Finding, finding

SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|access_?key|private_?key|credential)")


def instructions(text: str) -> Iterator[tuple[CommandLines, str, str]]:
    """(where, INSTRUCTION, arguments) with continuations joined and comments dropped; ``where``
    names the first line and finds the line of a flag inside a continued instruction."""
    for where, line in logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        word, _, rest = stripped.partition(" ")
        yield where, word.upper(), rest.strip()


def _exec_form(args: str) -> str:
    if args.startswith("["):
        try:
            return " ".join(str(x) for x in json.loads(args))
        except json.JSONDecodeError:
            return args
    return args


def check_dockerfile(text: str, path: str) -> Iterator[Finding]:
    stages: set[str] = set()
    user: tuple[int, str] | None = None
    last_from = 0
    for where, op, args in instructions(text):
        number = where.start or 1
        if op == "FROM":
            parts = [p for p in args.split() if not p.startswith("--")]
            image = parts[0] if parts else ""
            if len(parts) >= 3 and parts[1].lower() == "as":
                stages.add(parts[2].lower())
            user, last_from = None, number
            if image.lower() in stages or image == "scratch" or "$" in image or "@sha256:" in image:
                continue
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            if not tag or tag == "latest":
                yield finding("dockerfile-unpinned-base", path, number,
                              f"base image {image!r} is {'`latest`' if tag else 'not tagged'}: builds are not reproducible")
        elif op == "USER":
            user = (number, args.split(":")[0])
        elif op in ("ENV", "ARG"):
            for name, value in _assignments(args, op):
                line = where.at(f"{name}=") if f"{name}=" in args else where.at(name)
                if SECRET_NAME.search(name) and value and not value.startswith("$"):
                    yield finding("dockerfile-secret-in-env", path, line,
                                  f"{op} {name} sets a secret-looking value in the image (value not shown)")
                yield from check_env(name, value, path, line)
        elif op == "ADD" and re.search(r"(?:^|\s)https?://", args):
            yield finding("dockerfile-add-url", path, number, "ADD fetches a remote URL without checksum verification")
        if op in ("RUN", "CMD", "ENTRYPOINT"):
            yield from check_command(_exec_form(args), path, number, where=where.at)
    if last_from and (user is None or user[1] in ("root", "0")):
        yield finding("dockerfile-runs-as-root", path, user[0] if user else last_from,
                      "the final stage runs as root" + ("" if user else " (no USER instruction)"))


def _assignments(args: str, op: str) -> Iterator[tuple[str, str]]:
    if op == "ENV" and "=" not in args.split(" ")[0]:
        name, _, value = args.partition(" ")  # legacy `ENV NAME value`
        yield name, value.strip().strip("\"'")
        return
    for match in re.finditer(r"""(\w+)(?:=("[^"]*"|'[^']*'|\S*))?""", args):
        yield match.group(1), (match.group(2) or "").strip("\"'")
