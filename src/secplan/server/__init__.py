"""The control plane: ``secplan server``, a REST API over the organisation's store.

Modules, one job each: ``settings`` (the frozen configuration, checked at start), ``context`` (what
every request shares), ``auth`` (bearer token -> identity through ``secplan.access``), ``errors``
(the one JSON error shape), ``pagination`` (signed cursors), ``middleware`` (security headers,
rate limits, ETags), ``records`` and ``index`` (the findings index kept beside stored assessments),
``queries/`` (typed read functions that HTML pages can reuse without HTTP), ``routers/`` (one per
resource), ``app`` (the FastAPI factory) and ``run`` (the process). See docs/server.md.
"""
