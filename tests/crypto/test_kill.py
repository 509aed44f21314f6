"""A process killed (SIGKILL) in the middle of encrypting or decrypting leaves no output and no temp file.

The input is a FIFO the test feeds part-way, so the process is caught mid-stream deterministically,
after it has written data (seen through /proc) but before the input ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secplan.crypto.files import encrypt_file
from secplan.crypto.format import DATA_OFFSET, TAG_SIZE
from secplan.crypto.keys.manager import KeyManager

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")

CHILD = """
import sys
from pathlib import Path
from secplan.crypto.files import decrypt_file, encrypt_file
from secplan.crypto.keys.keystore import Keystore
from secplan.crypto.keys.manager import KeyManager
keys = KeyManager(Keystore(Path(sys.argv[2])))
if sys.argv[1] == "encrypt":
    encrypt_file(Path(sys.argv[3]), Path(sys.argv[4]), keys, "k", chunk_size=1024)
else:
    decrypt_file(Path(sys.argv[3]), Path(sys.argv[4]), keys)
"""


def _unnamed_output_size(pid: int, folder: Path) -> int:
    """Bytes written so far to the child's unnamed (O_TMPFILE) output in ``folder``; -1 if none yet."""
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder) + "/#") or (target.startswith(str(folder)) and "(deleted)" in target):
            return os.stat(f"/proc/{pid}/fd/{fd}").st_size
    return -1


def _run_and_kill(mode: str, keys: KeyManager, folder: Path, feed: bytes, at_least: int) -> None:
    fifo = folder / "input.fifo"
    os.mkfifo(fifo)
    out = folder / "output.bin"
    before = sorted(os.listdir(folder))
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(keys.keystore.path), str(fifo), str(out)])
    writer = open(fifo, "wb")  # noqa: SIM115 - kept open so the child waits for more input
    try:
        writer.write(feed)
        writer.flush()
        deadline = time.monotonic() + 60
        while _unnamed_output_size(child.pid, folder) < at_least:
            assert child.poll() is None, "the child ended before it could be killed"
            assert time.monotonic() < deadline, "the child never wrote its output"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        writer.close()
    assert child.returncode == -signal.SIGKILL
    assert not out.exists()
    assert sorted(os.listdir(folder)) == before  # nothing partial, not even a hidden temporary file


def test_killed_while_encrypting(tmp_path: Path, keys: KeyManager) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _run_and_kill("encrypt", keys, work, os.urandom(64 * 1024), at_least=DATA_OFFSET + 8 * (1024 + TAG_SIZE))


def test_killed_while_decrypting(tmp_path: Path, keys: KeyManager) -> None:
    src = tmp_path / "plain.bin"
    src.write_bytes(os.urandom(256 * 1024))
    encrypt_file(src, tmp_path / "plain.bin.enc", keys, "k", chunk_size=1024)
    work = tmp_path / "work"
    work.mkdir()
    partial = (tmp_path / "plain.bin.enc").read_bytes()[: DATA_OFFSET + 40 * (1024 + TAG_SIZE)]
    _run_and_kill("decrypt", keys, work, partial, at_least=8 * 1024)
