# The secplan control-plane server (`secplan server`): see docs/server.md.
# Build: docker build -t secplan-server .
# Run:   docker run -p 8000:8000 -e SECPLAN_DATABASE_URL=postgresql://... -v secplan-state:/var/lib/secplan secplan-server
#
# The base is pinned by digest (python:3.12-slim); update the digest with the tag, e.g. by Renovate or
# Dependabot, so that a rebuild never silently takes another image.
FROM python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/secplan \
    && /opt/secplan/bin/pip install --no-cache-dir --disable-pip-version-check ".[serve,governance]"

FROM python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea
RUN useradd --uid 10001 --user-group --create-home --home-dir /var/lib/secplan --shell /usr/sbin/nologin secplan
COPY --from=build /opt/secplan /opt/secplan
ENV PATH=/opt/secplan/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# The server's folder: its ledger key and, without SECPLAN_DATABASE_URL, its SQLite store.
WORKDIR /var/lib/secplan
VOLUME /var/lib/secplan
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"]
ENTRYPOINT ["secplan", "server"]
# Beyond loopback only once a token exists in the database (the server refuses to start otherwise).
CMD ["--host", "0.0.0.0", "--port", "8000"]
