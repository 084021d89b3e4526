"""The models every stage shares: kept by the thousand, so they hold no per-instance dictionary."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from citecheck import model

MODELS = [cls for _, cls in inspect.getmembers(model, inspect.isclass)
          if dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__]
KEPT_PER_REFERENCE = [cls for cls in MODELS if cls is not model.Report]  # (one Report a run)


def test_the_models_are_found():
    assert {"Reference", "Fetch", "PageFacts", "Verdict", "Result"} <= {cls.__name__ for cls in MODELS}


@pytest.mark.parametrize("cls", KEPT_PER_REFERENCE, ids=lambda cls: cls.__name__)
def test_a_model_kept_per_reference_has_slots_not_a_dict(cls):
    # a 10,000-reference run keeps hundreds of thousands of these: a dict each was 8.5 MB of its peak memory
    assert "__slots__" in cls.__dict__ and "__dict__" not in dir(cls)
