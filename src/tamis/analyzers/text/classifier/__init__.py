"""tamis's multilingual text classifier: a lexicon, a linear tier and an embedding tier.

See `analyzer` for the cascade, `model` for the shipped artefacts (in `artefacts/`, with their
model card) and `train` / `evaluate` for `tamis train text` and `tamis eval text`.
"""
