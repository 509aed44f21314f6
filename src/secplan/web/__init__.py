"""What the HTTP entry points share: the control-plane server (``secplan.server``) and the model
gateway (``secplan.model.serve``) both use these, so that a rate limit, a bounded request body and
the ``listening on URL`` line behave the same on both.

* ``ratelimit``: a per-client moving-window limit (``limits``, memory or Redis) with what the
  ``RateLimit`` headers report.
* ``body``: reading a request body that is refused past a size, declared or not.
* ``runner``: uvicorn on one socket, printing ``listening on URL`` once it accepts connections.
"""
