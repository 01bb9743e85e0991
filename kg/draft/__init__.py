"""`kg draft`: candidate entities and claims from a new article, each with a verified quote, the
rule that proposed it and a confidence, for a curator to accept or reject before `kg add`.

One module per job: gazetteer (known name forms, exact and fuzzy), cues (new entities), patterns
(ages, occupations, dates, durations), against (duplicates and contradictions of the graph),
sentences (where sentences end), quoting (quotes located as the build locates them), writer (the draft facts file), mark (the
`draft:` mark the facts reader reads), review (what `kg add` keeps of a reviewed draft).
"""
