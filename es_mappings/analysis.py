"""Analyzers for vehicle search: folding, make/body synonyms, prefix n-grams. Pure definitions."""

from elasticsearch.dsl import analyzer, char_filter, normalizer, token_filter

# Applied at query time only (synonym_graph handles multi-word synonyms correctly there), so changing
# the list never needs a reindex. Each line is a set of equivalent spellings, English, French and
# German as listings and buyers write them (accents folded: "électrique" arrives as "electrique").
VEHICLE_SYNONYMS = [
    "chevy, chevrolet",
    "vw, volkswagen, volkswagon",
    "merc, mercedes, benz, mercedes benz",
    "beemer, bimmer, bmw",
    "landie, land rover",
    "suv, sport utility, sport utility vehicle",
    "ute, pickup, pick up, pickup truck",
    "hatch, hatchback, citadine",
    "saloon, sedan, limousine, berline",
    "estate, wagon, station wagon, kombi, break",
    "minivan, mpv, people mover, van, monospace",
    "convertible, cabriolet, cabrio, roadster, decapotable",
    "auto, automatic, automatique",
    "manual, stick, manuell, manuelle",
    "diesel, tdi, crdi, gazole, gasoil",
    "petrol, gasoline, essence, benzin",
    "hybrid, hev, hybride",
    "electric, ev, bev, electrique",
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

# Model names written together: "C-HR", "c hr" and "CHR" are one name, as are "X-Trail" and
# "xtrail", "RAV4" and "rav 4", "3 Series" and "3series". The name is indexed as one compact token
# (no spaces, hyphens or dots); the query side joins neighbouring words into shingles ("c hr" ->
# "chr", "toyota rav 4" -> "rav4"), so whichever way a buyer splits the name, one shingle meets it.
compact_chars = char_filter("vehicle_compact_chars", "pattern_replace", pattern="[^\\p{L}\\p{N}]+", replacement="")
joined_words = token_filter(
    "vehicle_joined_words", "shingle", min_shingle_size=2, max_shingle_size=3, token_separator="", output_unigrams=True
)
compact_prefix_ngrams = token_filter("vehicle_compact_prefix_ngrams", "edge_ngram", min_gram=1, max_gram=30)
vehicle_compact = analyzer(
    "vehicle_compact", tokenizer="keyword", char_filter=[compact_chars], filter=["lowercase", ascii_folding]
)
vehicle_compact_search = analyzer(
    "vehicle_compact_search", tokenizer="standard", filter=["lowercase", ascii_folding, joined_words]
)
# Typeahead over compact names: what is typed so far, compacted, is a prefix of the compact name.
vehicle_compact_prefix = analyzer(
    "vehicle_compact_prefix",
    tokenizer="keyword",
    char_filter=[compact_chars],
    filter=["lowercase", ascii_folding, compact_prefix_ngrams],
)
