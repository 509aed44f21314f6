"""Entry point of one gateway worker started by ``--workers N`` (see ``workers.py``)."""

from __future__ import annotations

import sys


def main() -> int:
    from secplan.cli.app import report_error
    from secplan.model.serve.run import serve
    from secplan.model.serve.workers import settings_from_env

    settings = settings_from_env()
    if settings is None:
        print("error: this module is started by `secplan serve --workers N`", file=sys.stderr)
        return 2
    try:
        serve(settings, reuse_port=True)
    except SystemExit as exc:  # SIGTERM: stopped cleanly
        return exc.code if isinstance(exc.code, int) else 0
    except BaseException as exc:  # the same one-line errors and exit codes as the CLI
        return report_error(exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
