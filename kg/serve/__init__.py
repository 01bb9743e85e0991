"""kg serve: the site over HTTP, the minted IRIs by content negotiation, SPARQL at /sparql."""

from kg.serve.server import make_server
from kg.serve.sparql import Limits

__all__ = ["Limits", "make_server"]
