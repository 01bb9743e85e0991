"""The parts of a bench run, one module each (A-E in bench/README.md and in the report)."""
