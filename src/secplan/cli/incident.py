"""``secplan incident``: incidents through their lifecycle, playbooks, drills, regulatory clocks (HS-3, HS-5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli._gov import DATE_FORMATS
from secplan.cli.common import Format, FormatOption, RootOption, emit, emit_record, err_console, simple_table
from secplan.vocabulary import Severity

incident = typer.Typer(help="Incidents: NIST SP 800-61r3 lifecycle, playbooks, ATLAS tags, EU AI Act clocks.",
                       no_args_is_help=True)
_D = {"formats": DATE_FORMATS}
SERIOUS_HELP = "EU AI Act Art. 73 category: serious (15 days), death (10), widespread (2)."


def _start_of(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value else None


@incident.command("open")
def open_(title: str | None = typer.Argument(None, help="What happened (taken from the finding with --from-finding)."),
          type_: str | None = typer.Option(None, "--type", "-t", help="Playbook type (see `secplan incident playbooks`)."),
          severity: Severity = typer.Option(Severity.HIGH, "--severity"),
          owner: str | None = typer.Option(None, "--owner", help="Who leads the response."),
          asset: list[str] = typer.Option([], "--asset", help="Affected asset path. Repeatable."),
          atlas: list[str] = typer.Option([], "--atlas", help="MITRE ATLAS technique id. Repeatable."),
          serious: str | None = typer.Option(None, "--serious", help=SERIOUS_HELP),
          aware: dt.datetime | None = typer.Option(None, "--aware", help="When you became aware (starts the clock).", **_D),
          from_finding: str | None = typer.Option(None, "--from-finding", help="A finding id of the latest assessment."),
          root: Path = RootOption) -> None:
    """Open an incident; the playbook of its type is attached as steps to check off."""
    from secplan.cli._gov import open_store
    from secplan.errors import InputError
    from secplan.human.incidents import open_from_finding, open_incident

    store = open_store(root)
    if from_finding:
        incident_id = open_from_finding(store, from_finding, kind=type_, owner=owner, serious=serious)
    else:
        if not title or not type_:
            raise InputError("give a TITLE and --type (or --from-finding ID)")
        incident_id = open_incident(store, title, kind=type_, severity=severity, owner=owner, assets=asset,
                                    atlas=atlas, serious=serious, aware_at=_start_of(aware))
    err_console.print(f"opened incident {incident_id}")
    typer.echo(incident_id)


@incident.command("update")
def update(incident_id: int,
           phase: str | None = typer.Option(None, "--phase", help="detect, analyse, contain, eradicate, recover, lessons."),
           owner: str | None = typer.Option(None, "--owner"),
           note: str | None = typer.Option(None, "--note", help="Add a note to the timeline."),
           done: list[int] = typer.Option([], "--done", help="Check off playbook step N. Repeatable."),
           atlas: list[str] = typer.Option([], "--atlas", help="Add an ATLAS technique id. Repeatable."),
           serious: str | None = typer.Option(None, "--serious", help=SERIOUS_HELP),
           reported: dt.datetime | None = typer.Option(None, "--reported", help="Date reported to the authority.", **_D),
           root: Path = RootOption) -> None:
    """Move an incident forward, check off steps, add notes and tags."""
    from secplan.cli._gov import open_store
    from secplan.human.incidents import update_incident

    update_incident(open_store(root), incident_id, phase=phase, owner=owner, note=note, done=done, atlas=atlas,
                    serious=serious, reported_at=_start_of(reported))
    err_console.print(f"updated incident {incident_id}")


@incident.command("close")
def close(incident_id: int, summary: str = typer.Option("", "--summary", help="Lessons learned."),
          root: Path = RootOption) -> None:
    """Close an incident (steps left unchecked are reported and flagged by the assessment)."""
    from secplan.cli._gov import open_store
    from secplan.human.incidents import close_incident

    left = close_incident(open_store(root), incident_id, summary)
    err_console.print(f"closed incident {incident_id}" + (f"; {len(left)} playbook step(s) not done" if left else ""))


@incident.command("list")
def list_(open_only: bool = typer.Option(False, "--open", help="Only open incidents."),
          fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Incidents and drills, with their regulatory clocks."""
    from secplan.cli._gov import open_store
    from secplan.human.incidents import list_incidents

    rows = list_incidents(open_store(root), include_closed=not open_only)

    def table():
        return simple_table("incidents", ["id", "title", "type", "severity", "phase", "state", "owner", "Art. 73"],
                            [[i["id"], i["title"][:50], i["type"], i["severity"], i["phase"],
                              "drill" if i["drill"] else i["state"], i["owner"],
                              f"{i['clock']['state']} {i['clock']['deadline'][:10]}" if i["clock"] else ""]
                             for i in rows])

    emit(rows, fmt, table)


@incident.command("show")
def show(incident_id: int, fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """One incident with its playbook steps and clock."""
    from secplan.cli._gov import open_store
    from secplan.human.incidents import show_incident

    emit_record(show_incident(open_store(root), incident_id), fmt, f"incident {incident_id}")


@incident.command("timeline")
def timeline(incident_id: int, fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """What happened, when, by whom."""
    from secplan.cli._gov import open_store
    from secplan.human.incidents import timeline as get_timeline

    rows = get_timeline(open_store(root), incident_id)
    emit(rows, fmt, lambda: simple_table(f"incident {incident_id}", ["at", "actor", "event", "text"],
                                         [[e["at"][:19], e["actor"], e["kind"], e["text"]] for e in rows]))


@incident.command("drill")
def drill(type_: str = typer.Option(..., "--type", "-t", help="The playbook exercised."),
          date: dt.datetime | None = typer.Option(None, "--date", help="When it took place (default today).", **_D),
          notes: str = typer.Option("", "--notes"), root: Path = RootOption) -> None:
    """Record an incident response drill."""
    from secplan.cli._gov import day, open_store
    from secplan.human.incidents import record_drill

    drill_id = record_drill(open_store(root), type_, on=day(date), notes=notes)
    err_console.print(f"recorded drill {drill_id}")


@incident.command("playbooks")
def playbooks_(fmt: Format = FormatOption) -> None:
    """The shipped playbooks and their steps."""
    from secplan.human.playbooks import playbooks

    data = [{"type": b.type, "title": b.title, "atlas": list(b.atlas),
             "steps": [{"phase": p, "text": s} for p, s in b.steps]} for b in playbooks().values()]
    emit(data, fmt, lambda: simple_table("playbooks", ["type", "title", "steps", "ATLAS"],
                                         [[d["type"], d["title"], len(d["steps"]), ", ".join(d["atlas"])] for d in data]))


@incident.command("atlas")
def atlas_(fmt: Format = FormatOption) -> None:
    """MITRE ATLAS technique ids incidents can be tagged with."""
    from secplan.human.playbooks import atlas_techniques

    data = [{"id": k, "name": v} for k, v in atlas_techniques().items()]
    emit(data, fmt, lambda: simple_table("MITRE ATLAS", ["id", "name"], [[d["id"], d["name"]] for d in data]))


def register(app: typer.Typer) -> None:
    app.add_typer(incident, name="incident")
