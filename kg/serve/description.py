"""The SPARQL 1.1 Service Description of /sparql (https://www.w3.org/TR/sparql11-service-description/),
answered at GET /sparql without a query: what the endpoint speaks, which result formats it writes,
and its default dataset (the published graph, described by the VoID document)."""

from __future__ import annotations

from kg.serve.conneg import negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# The result formats /sparql writes (kg.serve.sparql.RESULTS_TYPES and GRAPH_TYPES), as W3C format IRIs.
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
# The description's own media types, Turtle first (the default).
DESCRIPTION_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")


def description_type(accept: str | None) -> str | None:
    """The media type to write the description in, None when the Accept header allows none."""
    return negotiate(accept, DESCRIPTION_TYPES)


def service_description(endpoint: str, dataset: str, media_type: str) -> bytes:
    """The description of the endpoint at `endpoint` whose default dataset is `dataset` (the VoID
    dataset IRI), serialised as `media_type` (one of DESCRIPTION_TYPES)."""
    import pyoxigraph as ox

    from kg.outputs.rdf import serialize

    service = ox.NamedNode(endpoint)
    default_dataset = ox.NamedNode(dataset)
    default_graph = ox.BlankNode()
    a = ox.NamedNode(RDF_TYPE)
    triples = [
        ox.Triple(service, a, ox.NamedNode(SD + "Service")),
        ox.Triple(service, ox.NamedNode(SD + "endpoint"), service),
        ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
        *(ox.Triple(service, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS + name))
          for name in RESULT_FORMATS),
        ox.Triple(service, ox.NamedNode(SD + "defaultDataset"), default_dataset),
        ox.Triple(default_dataset, a, ox.NamedNode(SD + "Dataset")),
        ox.Triple(default_dataset, a, ox.NamedNode(VOID + "Dataset")),
        ox.Triple(default_dataset, ox.NamedNode(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, a, ox.NamedNode(SD + "Graph")),
    ]
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None  # media_type is one of DESCRIPTION_TYPES
    prefixes = {"sd": SD, "formats": FORMATS, "void": VOID}
    return serialize(triples, rdf_format, prefixes if rdf_format is ox.RdfFormat.TURTLE else None)
