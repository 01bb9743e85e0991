"""kg: publish quoted news claims as a schema.org / Wikidata-aligned knowledge graph."""

__version__ = "0.1.0"
