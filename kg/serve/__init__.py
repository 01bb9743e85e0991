"""kg serve: the site over HTTP, the minted IRIs by content negotiation, SPARQL at /sparql.

`make_app` is the WSGI application (werkzeug), `make_server` the same app in a waitress server."""

from kg.serve.server import make_app, make_server
from kg.serve.sparql import Limits

__all__ = ["Limits", "make_app", "make_server"]
