"""``secplan serve NAME@VERSION|NAME@STAGE``: the guarded model gateway (thin: options to Settings)."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import RootOption


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    ref: str = typer.Argument(..., help="NAME@VERSION (signed, scan safe) or NAME@STAGE (its gates must hold)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; beyond loopback only with auth."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    tls_cert: Path | None = typer.Option(None, "--tls-cert", help="TLS certificate (PEM); with --tls-key."),
    tls_key: Path | None = typer.Option(None, "--tls-key", help="TLS private key (PEM)."),
    upstream: str | None = typer.Option(None, "--upstream", help="Proxy to an Open Inference Protocol V2 server "
                                        "(MLServer, KServe, Triton) instead of loading the model; its token "
                                        "from $SECPLAN_UPSTREAM_TOKEN."),
    workers: int = typer.Option(1, "--workers", help="Worker processes (above 1 needs --redis)."),
    profile: Path | None = typer.Option(None, "--profile", help="Input profile (`secplan data validate "
                                        "--write-profile`) instead of the lineage's training data."),
    redis: str | None = typer.Option(None, "--redis", help="redis:// URL shared by workers for rate limits."),
    rate: str = typer.Option("100/second", "--rate", help="Requests per client (N/second, N/minute...)."),
    budget: int = typer.Option(100_000, "--budget", help="Rows a client may send per day (0: no budget)."),
    max_body: int = typer.Option(1_000_000, "--max-body", help="Largest request body in bytes (413 beyond)."),
    max_batch: int = typer.Option(1000, "--max-batch", help="Rows per request at most."),
    on_invalid: str = typer.Option("reject", "--on-invalid", help="An input outside the profile: reject (422), "
                                   "flag (served, flagged in the audit) or off (no validation)."),
    probabilities_for: list[str] = typer.Option([], "--probabilities-for", help="A user given rounded class "
                                                "probabilities (repeat); others get labels only."),
    top_k: int | None = typer.Option(None, "--top-k", help="Keep only the k largest probabilities of a row."),
    no_auth: bool = typer.Option(False, "--no-auth", help="No bearer tokens (loopback only)."),
    jwks_url: str | None = typer.Option(None, "--jwks-url", help="Also accept OIDC/JWT bearers signed by a key of "
                                        "this JWKS (https)."),
    jwt_issuer: str | None = typer.Option(None, "--jwt-issuer", help="The JWTs' required issuer (iss)."),
    jwt_audience: str | None = typer.Option(None, "--jwt-audience", help="The JWTs' required audience (aud)."),
    jwt_user_claim: str = typer.Option("sub", "--jwt-user-claim", help="The claim naming the secplan user whose "
                                       "roles decide."),
    webhook: str | None = typer.Option(None, "--webhook", help="POST each new alert as JSON to this URL."),
    no_monitoring: bool = typer.Option(False, "--no-monitoring", help="Turn off the drift and query-pattern "
                                       "detectors (reported by the MS-5 probe)."),
    root: Path = RootOption,
) -> None:
    """Serve a verified model version over the Open Inference Protocol V2, with every guard on.

    Refuses to start (exit 1) unless the files match the registered digest, the signature verifies,
    the artifact scan is safe and, for a stage, its promotion gates hold. Prints
    `listening on http://HOST:PORT` when ready; stop it with Ctrl-C.
    """
    from secplan.access import require_at
    from secplan.model.registry.refs import parse_ref
    from secplan.model.serve.run import serve
    from secplan.model.serve.settings import Settings

    name, _ = parse_ref(ref)
    settings = Settings(ref=ref, root=root, host=host, port=port, tls_cert=tls_cert, tls_key=tls_key,
                        upstream=upstream, workers=workers, profile=profile, auth=not no_auth, redis=redis, rate=rate,
                        budget=budget, max_body=max_body, max_batch=max_batch, on_invalid=on_invalid,  # type: ignore[arg-type]
                        probabilities_for=tuple(probabilities_for), top_k=top_k, monitoring=not no_monitoring,
                        jwks_url=jwks_url, jwt_issuer=jwt_issuer, jwt_audience=jwt_audience,
                        jwt_user_claim=jwt_user_claim, webhook=webhook)
    require_at(root, "write", f"model:{name}")
    if settings.workers > 1:
        from secplan.model.serve.workers import supervise

        raise typer.Exit(supervise(settings))
    serve(settings)
