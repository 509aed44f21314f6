"""``secplan model evaluate``: attack, measure and explain one model version, and record the result.

Thin: resolve the version (or the endpoint), open a verified worker, run
:func:`secplan.model.evaluate.engine.evaluate`, store the result with
:func:`secplan.model.evaluate.results.save`, print it. Exit 0 when every threshold holds, 1 when one
fails, 2 on bad input or a model that cannot be evaluated.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    emit,
    err_console,
    output_option,
    simple_table,
)
from secplan.cli.model import model_app
from secplan.errors import InputError

TOKEN_ENV = "SECPLAN_ENDPOINT_TOKEN"
"""Bearer token for ``--endpoint`` (read from the environment, never a command-line argument)."""


def _suites(given: list[str]) -> list[str]:
    from secplan.model.evaluate.engine import SUITES

    names = [s.strip().lower() for item in given for s in item.split(",") if s.strip()]
    if not names or "all" in names:
        return list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise InputError(f"--suite {', '.join(unknown)}: unknown (choose from all, {', '.join(SUITES)})")
    return [s for s in SUITES if s in names]


def _plan(root: Path) -> Any | None:
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(root)
    return load_plan(path) if path.exists() else None


def _sensitive(given: list[str], plan: Any | None, data: Path) -> list[str]:
    """``--sensitive`` columns, else the plan's declared sensitive features that the data has."""
    if given:
        return list(dict.fromkeys(given))
    declared = list(plan.policy.fairness.sensitive_features) if plan is not None else []
    if not declared:
        return []
    from secplan.assess.files import column_names

    columns = set(column_names(data))  # lower-cased
    return [c for c in declared if c.lower() in columns]


def _progress_bar() -> tuple[Any, Callable[[str], None]]:
    from secplan.cli.common import progress

    bar = progress()
    task = bar.add_task("evaluating", total=None)

    def step(name: str) -> None:
        bar.update(task, description=name)
        bar.advance(task)

    return bar, step


def _table(result: dict[str, Any], recorded: dict[str, Any] | None) -> Any:
    from rich.console import Group

    from secplan.model.evaluate.summary import headline, verdict

    rows = [(name, verdict(suite.get("passed")), headline(name, suite)) for name, suite in result["suites"].items()]
    parts: list[Any] = [simple_table(f"evaluation of {result['model']} ({result['digest'] or 'endpoint'})",
                                     ("suite", "passed", "results"), rows)]
    checks = [(name, c.get("feature") or c.get("attack") or "", c["threshold"], c["value"], c["limit"], verdict(c["passed"]))
              for name, suite in result["suites"].items() for c in suite.get("checks", [])]
    if checks:
        parts.append(simple_table("thresholds (policy.evaluation)", ("suite", "of", "threshold", "value", "limit",
                                                                     "passed"), checks))
    line = f"overall: {verdict(result['passed'])}; {result['queries']} queries in {result['seconds']} s"
    if recorded is not None:
        line += f"; recorded as evaluation {recorded['id']} ({recorded['attestation']})"
    parts.append(line)
    return Group(*parts)


@model_app.command("evaluate")
def evaluate_command(
    ref: str = typer.Argument(..., help="NAME@VERSION of a registered model (a label with --endpoint)."),
    data: Path = typer.Option(..., "--data", help="Test data (Parquet, CSV or JSON Lines) with the target column."),
    target: str = typer.Option(..., "--target", help="The label column."),
    train: Path | None = typer.Option(None, "--train", help="Training rows, for membership inference."),
    sensitive: list[str] = typer.Option([], "--sensitive", help="Sensitive column (repeat; default: the plan's "
                                                                "policy.fairness.sensitive_features in the data)."),
    suite: list[str] = typer.Option(["all"], "--suite", help="all, quality, robustness, privacy, fairness or "
                                                             "explain (repeat or comma-separate)."),
    budget: int = typer.Option(5000, "--budget", help="Queries the black-box attacks may spend."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random choice (same seed, same result)."),
    endpoint: str | None = typer.Option(None, "--endpoint", help="Query a served model instead: an Open Inference "
                                        "Protocol V2 URL (/v2/models/NAME) or a plain JSON predict URL; bearer "
                                        f"token from ${TOKEN_ENV}."),
    fmt: Format = FormatOption,
    output: Path | None = output_option("Write the result to this file (atomically)."),
    store_result: bool = typer.Option(True, "--store/--no-store", help="Store, attest and ledger the result (an "
                                      "endpoint's only when it reports the digest of a registered version)."),
    root: Path = RootOption,
) -> None:
    """Test a model version for quality, robustness, privacy leaks and fairness, and explain it.

    The model is loaded only after the artifact scan, its registered digest and its signature
    verify, in a separate worker process with memory and CPU limits. Thresholds come from the
    plan's policy.evaluation. Exit 0 when every threshold holds, 1 when one fails, 2 on bad input.
    """
    from secplan.model.evaluate.engine import evaluate

    chosen = _suites(suite)
    if budget < 1:
        raise InputError("--budget must be at least 1 query")
    for given, flag in ((data, "--data"), (train, "--train")):
        if given is not None and not given.is_file():
            raise InputError(f"{flag} {given}: no such file")
    plan = _plan(root)
    columns = _sensitive(sensitive, plan, data)
    policy = plan.policy.evaluation if plan is not None else None
    model, version, store = _open(ref, endpoint, root)
    reported = model.metadata_digest() if endpoint is not None and store_result else None
    bar, step = _progress_bar()
    try:
        with bar:
            result = evaluate(model, ref=version.ref if version else ref,
                              digest=f"sha256:{version.root_digest}" if version else None, data=data, target=target,
                              train=train, sensitive=columns, suites=chosen, budget=budget, seed=seed, policy=policy,
                              progress=step)
        if endpoint is not None and store_result:
            version, store, result = _bind(model, ref, endpoint, reported, root, result)
    finally:
        model.close()
    recorded = None
    if version is not None and store_result:
        from secplan.model.evaluate.results import save

        recorded = save(store, version, result, _keys(root))
        result = {**result, "evaluation_id": recorded["id"], "attestation": recorded["attestation"]}
    emit(result, fmt, lambda: _table(result, recorded), output)
    raise typer.Exit(1 if result["passed"] is False else 0)


def _bind(model: Any, ref: str, endpoint: str, reported: str | None, root: Path,
          result: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
    """Bind an endpoint's result to the registered version whose digest the endpoint reported, or say why not."""
    from secplan.model.evaluate.binding import bind, public_url
    from secplan.plan.loader import plan_path

    store = None
    if reported is not None and plan_path(root).exists():
        from secplan.store.db import Store

        store = Store.for_project(root)
    binding = bind(store, ref, reported, model.metadata_digest() if reported else None, model.answered_digests)
    source = {"url": public_url(endpoint), "label": ref, "reported_digest": binding.reported,
              "bound_to": binding.version.ref if binding.version else None, "why": binding.why}
    if binding.version is None:
        err_console.print(f"note: not recorded: {binding.why}", highlight=False, markup=False)
        return None, store, {**result, "endpoint": source}
    v = binding.version
    return v, store, {**result, "model": v.ref, "digest": f"sha256:{v.root_digest}", "endpoint": source}


def _keys(root: Path) -> Any:
    from secplan.crypto.keys.manager import KeyManager

    return KeyManager.for_project(root)


def _open(ref: str, endpoint: str | None, root: Path) -> tuple[Any, Any, Any]:
    """The model to query, the registered version (None for an endpoint) and the store."""
    if endpoint is not None:
        from secplan.model.worker.endpoint import EndpointModel

        return EndpointModel(endpoint, token=os.environ.get(TOKEN_ENV) or None), None, None
    from secplan.model.registry.versions import get_version
    from secplan.model.worker import open_worker
    from secplan.store.db import Store

    if "@" not in ref:
        raise InputError(f"{ref!r}: give NAME@VERSION (the version whose digest the result is bound to)")
    store = Store.for_project(root)
    version = get_version(store, ref, exact=True)
    return open_worker(version, root, manager=_keys(root)), version, store


def register(app: typer.Typer) -> None:
    """Nothing to attach: the command above joins ``model_app`` when this module is imported."""
