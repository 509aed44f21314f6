"""Read functions behind the API, returning typed values: HTML pages can call them directly.

They take projects the caller was already allowed to see (``secplan.server.auth``); they decide
nothing about access themselves.
"""
