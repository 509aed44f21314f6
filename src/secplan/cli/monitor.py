"""``secplan monitor status|alerts|ack``: what the gateways watching live traffic have seen."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, simple_table

monitor_app = typer.Typer(help="Live-traffic monitoring of served models: status and alerts.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")


def _store(root: Path):
    from secplan.access import require_at
    from secplan.store.db import Store

    require_at(root, "read", "model")
    return Store.for_project(root)


@monitor_app.command("status")
def status_command(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Served model versions, their guards, the monitor's numbers and open alerts."""
    from secplan.model.monitor.alerts import list_alerts
    from secplan.model.monitor.served import served

    store = _store(root)
    try:
        runs = served(store)
        alerts = list_alerts(store, open_only=True)
    finally:
        store.dispose()
    by_model: dict[str, list[dict]] = {}
    for run in runs:  # newest first
        by_model.setdefault(run["model"], []).append(run)
    models = []
    for model, model_runs in by_model.items():
        # every running worker of the model (--workers N: one run each), else its latest run
        shown = [r for r in model_runs if r["stopped_at"] is None] or model_runs[:1]
        run, statuses = shown[0], [r["status"] or {} for r in shown]
        # the workers of one `--workers N` share one monitor: its numbers count once
        distinct = list({st.get("monitor") or id(st): st for st in statuses}.values())
        total = {key: sum(st.get(key, 0) for st in distinct) for key in ("requests", "ood_requests", "clients")}
        models.append({"model": model, "digest": run["digest"], "running": run["stopped_at"] is None,
                       "workers": len(shown) if run["stopped_at"] is None else 0,
                       "host": run["host"], "port": run["port"], "auth": run["auth"], "tls": run["tls"],
                       "validation": run["validation"], "monitoring": run["monitoring"],
                       "last_seen": max(r["last_seen"] for r in shown), "requests": total["requests"],
                       "ood_requests": total["ood_requests"], "clients": total["clients"],
                       "window": statuses[0].get("window"), "open_alerts": sum(a["model"] == model for a in alerts)})
    emit({"models": models}, fmt, lambda: simple_table(
        "served models", ("model", "running", "digest", "auth", "validation", "monitoring", "requests", "ood",
                          "open alerts"),
        [(m["model"], m["running"], m["digest"][:19], m["auth"], m["validation"], m["monitoring"], m["requests"],
          m["ood_requests"], m["open_alerts"]) for m in models]))


@monitor_app.command("alerts")
def alerts_command(fmt: Format = FormatOption, model: str | None = typer.Option(None, "--model", help="Only this "
                   "model (NAME or NAME@VERSION)."), open_only: bool = typer.Option(False, "--open", help="Only "
                   "alerts not resolved."), root: Path = RootOption) -> None:
    """Alerts raised on live traffic: drift, out-of-distribution, extraction, evasion, budget."""
    from secplan.model.monitor.alerts import CONTRACT, list_alerts

    store = _store(root)
    try:
        alerts = list_alerts(store, model=model, open_only=open_only)
    finally:
        store.dispose()
    emit({"alerts": [{k: a[k] for k in CONTRACT} for a in alerts]}, fmt, lambda: simple_table(
        "alerts", ("id", "kind", "model", "client", "feature", "score", "threshold", "incident", "opened"),
        [(a["id"][:8], a["kind"], a["model"], a["client"], a["feature"], a["score"], a["threshold"], a["incident"],
          a["opened_at"]) for a in alerts]))


@monitor_app.command("ack")
def ack_command(alert: str = typer.Argument(..., help="The alert's id."),
                resolve: bool = typer.Option(False, "--resolve", help="Also resolve it (a new detection opens a "
                                             "new alert)."),
                fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Acknowledge an alert (MS-5 counts alerts nobody acknowledged)."""
    from secplan.model.monitor.alerts import acknowledge
    from secplan.store.db import Store

    store = Store.for_project(root)
    try:
        result = acknowledge(store, alert, resolve=resolve)
    finally:
        store.dispose()
    emit(result, fmt, lambda: f"alert {alert} acknowledged" + (" and resolved" if resolve else ""))
