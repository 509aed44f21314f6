"""Run restic with a repository password it reads from a pipe: never on the command line, never in the
environment, never on disk. Output is parsed from restic's ``--json`` mode where it has one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secplan.errors import InputError, SecplanError

_REMOTE_SCHEMES = ("s3:", "sftp:", "rest:", "b2:", "azure:", "gs:", "swift:", "rclone:")


class ResticFailed(SecplanError):
    """restic exited non-zero; ``output`` holds its last lines (restic never prints the password)."""

    exit_code = 1

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


def resolve_repository(repository: str, root: Path) -> str:
    """Local repositories are relative to the project root; remote ones pass through."""
    if repository.startswith(_REMOTE_SCHEMES):
        return repository
    path = Path(repository.removeprefix("local:")).expanduser()
    return str(path if path.is_absolute() else (root / path).resolve())


@dataclass
class Restic:
    repository: str
    password: bytes = field(repr=False)
    cwd: Path
    binary: str = "restic"

    def run(self, *args: str, check: bool = True, as_json: bool = False) -> subprocess.CompletedProcess[str]:
        exe = shutil.which(self.binary)
        if exe is None:
            raise InputError("restic is not installed (Debian: apt-get install restic)")
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESTIC_")}
        read_end, write_end = os.pipe()
        try:
            os.write(write_end, self.password)
            os.close(write_end)
            env.update(RESTIC_REPOSITORY=self.repository, RESTIC_PASSWORD_FILE=f"/dev/fd/{read_end}")
            flags = ["--no-cache", "--json"] if as_json else ["--no-cache"]
            proc = subprocess.run([exe, *flags, *args], cwd=self.cwd, env=env, pass_fds=(read_end,),
                                  capture_output=True, text=True, check=False)
        finally:
            os.close(read_end)
        if check and proc.returncode != 0:
            raise ResticFailed(f"restic {args[0]} failed (exit {proc.returncode}): {last_lines(proc.stderr, 3)}",
                               proc.stderr + proc.stdout)
        return proc

    def json(self, *args: str) -> Any:
        proc = self.run(*args, as_json=True)
        try:  # some commands (forget --prune) print text after the JSON document
            return json.JSONDecoder().raw_decode(proc.stdout.lstrip())[0]
        except json.JSONDecodeError:
            raise ResticFailed(f"restic {args[0]}: unexpected output (not JSON)", proc.stdout[-2000:]) from None

    def json_lines(self, *args: str) -> list[dict[str, Any]]:
        """restic's line-delimited JSON (``backup``, ``ls``)."""
        proc = self.run(*args, as_json=True)
        docs = []
        for line in proc.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return docs


def last_lines(text: str, n: int) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("[")]
    return " | ".join(lines[-n:]) or "no message"
