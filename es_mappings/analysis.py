"""Analyzers for vehicle search: folding, make/body synonyms, prefix n-grams. Pure definitions."""

from elasticsearch.dsl import analyzer, normalizer, token_filter

# Applied at query time only (synonym_graph handles multi-word synonyms correctly there), so changing
# the list never needs a reindex. Each line is a set of equivalent spellings.
VEHICLE_SYNONYMS = [
    "chevy, chevrolet",
    "vw, volkswagen, volkswagon",
    "merc, mercedes, benz, mercedes benz",
    "beemer, bimmer, bmw",
    "landie, land rover",
    "suv, sport utility, sport utility vehicle",
    "ute, pickup, pick up, pickup truck",
    "hatch, hatchback",
    "saloon, sedan, limousine",
    "estate, wagon, station wagon, kombi",
    "minivan, mpv, people mover, van",
    "convertible, cabriolet, cabrio, roadster",
    "auto, automatic",
    "manual, stick, manuell",
    "diesel, tdi, crdi",
    "hybrid, hev",
    "electric, ev, bev",
]

ascii_folding = token_filter("vehicle_folding", "asciifolding", preserve_original=False)
vehicle_synonyms = token_filter("vehicle_synonyms", "synonym_graph", synonyms=VEHICLE_SYNONYMS)
prefix_ngrams = token_filter("vehicle_prefix_ngrams", "edge_ngram", min_gram=1, max_gram=20)

# Indexing: words, lower-cased, accents folded ("Citroën" is found by "citroen").
vehicle_text = analyzer("vehicle_text", tokenizer="standard", filter=["lowercase", ascii_folding])
# Querying: the same, plus make and body-type synonyms.
vehicle_text_search = analyzer(
    "vehicle_text_search", tokenizer="standard", filter=["lowercase", ascii_folding, vehicle_synonyms]
)
# Typeahead: every prefix of every word is a term, so each keystroke is one cheap term lookup.
vehicle_prefix = analyzer("vehicle_prefix", tokenizer="standard", filter=["lowercase", ascii_folding, prefix_ngrams])
vehicle_prefix_search = analyzer("vehicle_prefix_search", tokenizer="standard", filter=["lowercase", ascii_folding])

# Case- and accent-insensitive exact values, for filters that users type ("toyota" matches "Toyota").
folded_keyword = normalizer("folded_keyword", filter=["lowercase", "asciifolding"])
