"""The rules: pure functions from observations to one verdict per reference, in the vocabulary of vocab.py.

No I/O and no clock (``now`` comes in the settings). Each rule has a name (``live.dead.http404``,
``archive.shifted`` …) carried in the verdict, so a human can see why and overrule it. They import nothing
from the checking stage: what it needs to ask them while it runs is :data:`JUDGEMENTS`.
"""
from __future__ import annotations

from .archive import classify_archive
from .identifier import classify_identifier
from .judgements import JUDGEMENTS, save_candidates, snapshot_to_write
from .live import classify_live
from .sites import SiteNames
from .verdict import actions_for, judge, status_claim_contradiction

__all__ = ["JUDGEMENTS", "SiteNames", "actions_for", "classify_archive", "classify_identifier", "classify_live",
           "judge", "save_candidates", "snapshot_to_write", "status_claim_contradiction"]
