"""``secplan server``: the control plane's REST API over the organisation's store (thin: options to settings)."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import RootOption


def register(app: typer.Typer) -> None:
    app.command("server")(server_command)


def server_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; beyond loopback only once a token exists."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    database_url: str | None = typer.Option(None, "--database-url", help="SQLite or PostgreSQL URL of the store "
                                            "(default $SECPLAN_DATABASE_URL, else this folder's SQLite store)."),
    tls_cert: Path | None = typer.Option(None, "--tls-cert", help="TLS certificate (PEM); with --tls-key."),
    tls_key: Path | None = typer.Option(None, "--tls-key", help="TLS private key (PEM)."),
    rate: str = typer.Option("50/second", "--rate", help="Requests per client (N/second, N/minute...)."),
    redis: str | None = typer.Option(None, "--redis", help="redis:// URL shared by replicas for rate limits."),
    jwks_url: str | None = typer.Option(None, "--jwks-url", help="Also accept OIDC/JWT bearers signed by a key of "
                                        "this JWKS (https)."),
    jwt_issuer: str | None = typer.Option(None, "--jwt-issuer", help="The JWTs' required issuer (iss)."),
    jwt_audience: str | None = typer.Option(None, "--jwt-audience", help="The JWTs' required audience (aud)."),
    jwt_user_claim: str = typer.Option("sub", "--jwt-user-claim", help="The claim naming the secplan user whose "
                                       "grants decide."),
    oidc_issuer: str | None = typer.Option(None, "--oidc-issuer", help="OIDC login (authorisation code with PKCE) "
                                           "against this issuer; with --oidc-client-id and --public-url."),
    oidc_client_id: str | None = typer.Option(None, "--oidc-client-id", help="The server's client id at the issuer "
                                              "(a confidential client's secret from $SECPLAN_OIDC_CLIENT_SECRET)."),
    public_url: str | None = typer.Option(None, "--public-url", help="The server's URL as browsers reach it."),
    root: Path = RootOption,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/openapi.json) for every project in the store.

    Prints `listening on http://HOST:PORT` when ready; stop it with Ctrl-C. Every route but
    /api/health needs a bearer token (`secplan tokens create`).
    """
    from secplan.server.run import serve
    from secplan.server.settings import ServerSettings

    serve(ServerSettings(root=root, host=host, port=port, database_url=database_url, tls_cert=tls_cert,
                         tls_key=tls_key, rate=rate, redis=redis, jwks_url=jwks_url, jwt_issuer=jwt_issuer,
                         jwt_audience=jwt_audience, jwt_user_claim=jwt_user_claim, oidc_issuer=oidc_issuer,
                         oidc_client_id=oidc_client_id, public_url=public_url))
