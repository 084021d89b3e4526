"""citecheck: verify the web links of a reference list, originals and archive snapshots together."""

__version__ = "0.1.0"
