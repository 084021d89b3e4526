"""The checking stage: probes that return observations and never judge or print.

client.py builds the one HTTP client; fetch.py sends one request (one error-kind mapping); politeness.py
paces hosts and archives and holds the one retry policy; live.py probes originals; archive/ holds the archive
probes behind one interface, keyed by service; schedule.py plans the run and drives them all.
"""
from __future__ import annotations

from .schedule import Judgements, OnObserved, RunStats, observe, target_timestamp

__all__ = ["Judgements", "OnObserved", "RunStats", "observe", "target_timestamp"]
