"""A secplan process under test that prints ``listening on URL`` once it serves (the gateway, the
server): wait for that line, stop it with SIGTERM (killed only if it does not stop in 20 s)."""

from __future__ import annotations

import subprocess


class Listening:
    what = "process"
    proc: subprocess.Popen

    def wait(self) -> str:
        """The ``listening on`` line; fails with the process's last error output if it ended first."""
        assert self.proc.stdout is not None and self.proc.stderr is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            self.proc.kill()
            raise AssertionError(f"{self.what} did not start: {line!r} {self.proc.stderr.read()[-3000:]}")
        return line.strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
