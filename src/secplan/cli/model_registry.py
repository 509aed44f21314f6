"""``secplan model register|sign|verify|promote|list|show|history|diff|card`` and ``secplan data register``:
the model registry. Thin: parse, call :mod:`secplan.model.registry`, print."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    emit,
    err_console,
    format_option,
    output_option,
    simple_table,
    write_output,
)
from secplan.cli.data import data_app
from secplan.cli.model import model_app
from secplan.report.formats import choices

CardFormat = choices("json", "markdown", "html")

KeyOption = typer.Option(None, "--key", "-k", help="Managed ecdsa-p256 key (NAME or NAME@vN; default: the plan's "
                                                    "policy.keys.signing.model, model-signing).")


def _store(root: Path):
    from secplan.store.db import Store

    return Store.for_project(root)


def _keys(root: Path):
    from secplan.crypto.keys.manager import KeyManager

    return KeyManager.for_project(root)


@model_app.command("register")
def register_command(
    path: Path = typer.Argument(..., help="Model folder or file."),
    name: str = typer.Option(..., "--name", help="Model name."),
    version: str | None = typer.Option(None, "--version", help="Version label (default: 1, 2, 3, ... per name)."),
    datasets: list[str] = typer.Option([], "--dataset", "-d", help="Training data: PATH or NAME@VERSION (repeat)."),
    code_ref: str | None = typer.Option(None, "--code-ref", help="Git commit of the training code."),
    params: Path | None = typer.Option(None, "--params", help="Parameters (JSON or YAML)."),
    metrics: Path | None = typer.Option(None, "--metrics", help="Metrics (JSON or YAML; 'slices', 'fairness', "
                                                                "'evaluation' sections go to the card)."),
    card: Path | None = typer.Option(None, "--card", help="Card information (YAML): intended_use, limitations, "
                                                          "owner, description, out_of_scope."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Hash every file, scan it, record lineage and a new version."""
    from secplan.model.registry.versions import register_model

    version_view = register_model(_store(root), root, path, name, version=version, datasets=datasets,
                                  code_ref=code_ref, params=params, metrics=metrics, card=card)
    summary = version_view.summary()
    emit(summary, fmt, lambda: simple_table(f"registered {version_view.ref}", ("field", "value"), summary.items()))


@model_app.command("sign")
def sign_command(
    ref: str = typer.Argument(..., help="NAME@VERSION"),
    signature: Path = typer.Option(..., "--signature", "-s", help="Where to write the Sigstore bundle."),
    key: str | None = KeyOption,
    root: Path = RootOption,
) -> None:
    """Sign a registered version (OpenSSF model-signing bundle) after checking its files are unchanged."""
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.signing import configured_key

    version = sign_version(_store(root), root, _keys(root), ref, key or configured_key(root), signature)
    err_console.print(f"signed {version.ref} with {version.signing_key}: {signature}")


@model_app.command("verify")
def verify_command(
    path: Path = typer.Argument(..., help="Model folder or file to check."),
    signature: Path = typer.Option(..., "--signature", "-s", help="The Sigstore bundle."),
    key: str | None = typer.Option(None, "--key", "-k", show_default=False,
                                   help="Managed key (NAME or NAME@vN) [default: the one the bundle names]."),
    public_key: Path | None = typer.Option(None, "--public-key", help="PEM public key instead of a managed key."),
    root: Path = RootOption,
) -> None:
    """Verify offline: the signature, then every file (changed, added or removed files are named). Exit 1 on failure.

    The key is the one given, else the keystore's key whose public key the bundle names (rotated
    versions too)."""
    from secplan.errors import InputError
    from secplan.model.registry.bundle_key import bundle_hint, key_for_bundle
    from secplan.model.registry.signing import configured_key, verify_path

    try:
        bundle = signature.read_text(encoding="utf-8")
        if public_key is not None:
            public = public_key.read_bytes()
        else:
            keys = _keys(root)
            named = bundle_hint(bundle, str(signature)) is not None
            ref = key or key_for_bundle(keys, bundle, str(signature)) or (None if named else configured_key(root))
            if ref is None:
                raise InputError(f"{signature}: no key in this project's keystore matches the key the bundle was "
                                 "signed with", hint="give the signer's public key with --public-key FILE, or "
                                 "the managed key with --key")
            public = keys.export_public(ref)
    except OSError as exc:
        raise InputError(f"{exc.filename}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{signature}: not a signature bundle (not UTF-8 text)") from None
    inside = ()
    with contextlib.suppress(ValueError):
        inside = (signature.resolve().relative_to(path.resolve()).as_posix(),)
    verified = verify_path(path, bundle, public, where=str(signature), extra_ignore=inside)
    ref = verified.extension.get("registry", "")
    err_console.print(f"verified {path}: {len(verified.files)} files match the signed manifest {ref}".rstrip())


@model_app.command("promote")
def promote_command(
    ref: str = typer.Argument(..., help="NAME@VERSION"),
    to: str = typer.Option(..., "--to", help="Stage: candidate, staging, production, or a custom one."),
    key: str | None = KeyOption,
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Move a stage to a version if every gate is met; otherwise list the unmet gates (exit 1)."""
    from secplan.model.registry.gates import PromotionRefused, promote

    try:
        result = promote(_store(root), root, _keys(root), ref, to)
    except PromotionRefused as exc:
        unmet = exc.unmet
        emit({"refused": True, "unmet": unmet}, fmt,
             lambda: simple_table(f"promotion of {ref} to {to} refused", ("gate", "why"),
                                  [(g["gate"], g["detail"]) for g in unmet]))
        raise typer.Exit(1) from None
    emit(result, fmt, lambda: simple_table(f"{result['model']} is now {result['stage']}", ("gate", "met", "detail"),
                                           [(g["gate"], "yes" if g["met"] else "no", g["detail"])
                                            for g in result["gates"]]))


@model_app.command("list")
def list_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Registered models: latest version, stages."""
    from secplan.model.registry.versions import all_versions, stages

    store = _store(root)
    latest: dict[str, dict] = {}
    for v in all_versions(store):
        latest[v.name] = v.summary() | {"versions": latest.get(v.name, {}).get("versions", 0) + 1}
    for (name, stage), version in stages(store).items():
        latest[name].setdefault("stages", {})[stage] = version
    rows = list(latest.values())
    emit(rows, fmt, lambda: simple_table("models", ("name", "latest", "versions", "stages", "signed", "scan"),
                                         [(r["name"], r["version"], r["versions"],
                                           ", ".join(f"{s}={v}" for s, v in r.get("stages", {}).items()),
                                           "yes" if r["signed"] else "no", r["scan"]) for r in rows]))


@model_app.command("show")
def show_command(ref: str = typer.Argument(..., help="NAME@VERSION (or NAME: latest)"),
                 root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """One version: digests, lineage, scan, signature, and its current evaluation."""
    from secplan.model.evaluate.results import current
    from secplan.model.evaluate.summary import card_section
    from secplan.model.registry.versions import get_version

    store = _store(root)
    version = get_version(store, ref)
    doc = version.to_dict()
    measured = card_section(current(store, version))
    doc["evaluation"] = measured
    lineage = doc["lineage"]
    rows = [(k, doc[k]) for k in ("name", "version", "path", "files", "size", "digest", "scan", "signed",
                                  "signing_key", "signed_at", "created", "created_by")]
    rows += [("code_ref", lineage.get("code_ref")),
             ("datasets", ", ".join(f"{d['name']}@{d['version']}" for d in lineage.get("datasets", []))),
             ("metrics", lineage.get("metrics")), ("python", lineage.get("environment", {}).get("python"))]
    if measured is None:
        rows.append(("evaluation", "none of this digest (secplan model evaluate)"))
    else:
        rows.append(("evaluation", f"{measured['evaluation']} of {measured['created'][:10]}: {measured['passed']}"))
        rows += [(f"  {s['suite']}", f"{s['passed']}: {s['results']}") for s in measured["suites"]]
        rows += [("  not met", f) for f in measured["failed"]]
    emit(doc, fmt, lambda: simple_table(ref, ("field", "value"), rows))


@model_app.command("history")
def history_command(name: str = typer.Argument(..., help="Model name."),
                    root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Versions and promotions of a model, oldest first."""
    from secplan.model.registry.versions import all_versions, promotions

    store = _store(root)
    events = [{"when": v.created, "event": "registered", "version": v.version, "by": v.created_by}
              for v in all_versions(store, name)]
    events += [{"when": v.signed_at, "event": f"signed ({v.signing_key})", "version": v.version, "by": v.signed_by}
               for v in all_versions(store, name) if v.signed_at]
    events += [{"when": p["promoted_at"], "event": f"promoted to {p['stage']}", "version": p["version"],
                "by": p["promoted_by"]} for p in promotions(store, name)]
    events.sort(key=lambda e: e["when"])
    emit(events, fmt, lambda: simple_table(f"history of {name}", ("when", "event", "version", "by"),
                                           [(e["when"], e["event"], e["version"], e["by"]) for e in events]))


@model_app.command("diff")
def diff_command(a: str = typer.Argument(..., help="NAME@V1"), b: str = typer.Argument(..., help="NAME@V2"),
                 root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """What changed between two versions: files, data, code, parameters, metrics, environment."""
    from secplan.model.registry.diff import diff
    from secplan.model.registry.versions import get_version

    store = _store(root)
    doc = diff(get_version(store, a, exact=True), get_version(store, b, exact=True))

    def table():
        rows = [(f"files {k}", ", ".join(v)) for k, v in doc["files"].items() if v]
        rows += [(f"datasets {k}", ", ".join(v)) for k, v in doc["datasets"].items() if v]
        rows += [(section, doc[section]) for section in ("code_ref", "python", "scan") if doc[section]]
        rows += [(f"{section}.{k}", f"{v['from']} -> {v['to']}") for section in ("params", "metrics", "packages")
                 for k, v in doc[section].items()]
        return simple_table(f"{doc['from']} -> {doc['to']}", ("what", "change"), rows or [("(nothing)", "")])

    emit(doc, fmt, table)


@model_app.command("card")
def card_command(ref: str = typer.Argument(..., help="NAME@VERSION"),
                 fmt: CardFormat = format_option(CardFormat, "markdown"),
                 output: Path | None = output_option("Write to this file (atomically)."),
                 root: Path = RootOption) -> None:
    """A model card generated from the registry (its digest is in the signed manifest)."""
    from secplan.model.card import build_card, card_digest, render
    from secplan.model.evaluate.results import current
    from secplan.model.evaluate.summary import card_section
    from secplan.model.registry.versions import get_version, stages

    store = _store(root)
    version = get_version(store, ref, exact=True)
    text_fmt = fmt.value
    card = build_card(version) | {"card_digest": card_digest(version)}
    card["measured"] = card_section(current(store, version))  # attested apart: not in the card digest
    card["status"] = {
        "signed": f"yes, key {version.signing_key}" if version.bundle else "no",
        "card digest signed": "yes" if version.card_digest == card["card_digest"] else "no",
        "stages": ", ".join(s for (n, s), v in stages(store, version.name).items() if v == version.version) or "none",
    }
    write_output(render(card, text_fmt), output)


@data_app.command("register")
def data_register_command(
    path: Path = typer.Argument(..., help="Dataset file or folder."),
    name: str | None = typer.Option(None, "--name", help="Dataset name (default: the file name's stem)."),
    version: str | None = typer.Option(None, "--version", help="Version label (default: 1, 2, 3, ...)."),
    classification: str | None = typer.Option(None, "--classification",
                                              help="public, internal, confidential or restricted."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Record a dataset version (digests of its files) for model lineage."""
    from secplan.model.registry.versions import register_dataset

    result = register_dataset(_store(root), root, path, name, version, classification)
    emit(result, fmt, lambda: simple_table(f"dataset {result['name']}@{result['version']}", ("field", "value"),
                                           result.items()))


def register(app: typer.Typer) -> None:
    """Nothing to attach: the commands above join ``model_app`` and ``data_app`` when this module is imported."""
