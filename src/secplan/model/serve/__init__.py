"""The model gateway (MS-2, MS-5, MS-6, CS-4): serves only verified model versions over the Open
Inference Protocol V2, behind the access layer, input validation, output minimisation, rate limits,
a ledgered audit of every request and the live-traffic monitor.

One module per job: ``settings`` (what a run is configured with), ``preflight`` (the checks before
anything loads), ``inputs`` (the served input profile), ``protocol`` (V2 shapes), ``validation``,
``output``, ``ratelimit``, ``auth``, ``audit``, ``metrics``, ``watch`` (the monitor on live traffic),
``gateway`` (one request end to end), ``app`` (the REST routes) and ``run`` (uvicorn).
"""
