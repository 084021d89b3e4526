"""citecheck: verify the web links of a reference list, originals and archive snapshots together.

    import citecheck

    refs = citecheck.read_references("refs.txt")
    report = citecheck.check(refs, citecheck.Settings(window_days=365))
    for result in report.needing_attention:
        print(result.reference.key, result.verdict.live.state, result.verdict.archive.state)
    print(citecheck.render(report, "markdown"))

Inside a running event loop, ``await citecheck.acheck(refs)`` instead.
"""
from ._version import __version__
from .api import acheck, check, read_inputs, read_references
from .errors import CitecheckError, InputError, NetworkDown
from .model import (
    Action,
    ArchiveLink,
    ArchiveVerdict,
    LiveVerdict,
    Reference,
    Report,
    Result,
    Verdict,
)
from .report import format_names, render
from .settings import Settings
from .sources import Document, read_document
from .vocab import ActionKind, ArchiveState, ErrorKind, FailOn, LiveState

__all__ = [
    "Action", "ActionKind", "ArchiveLink", "ArchiveState", "ArchiveVerdict", "CitecheckError", "Document",
    "ErrorKind", "FailOn", "InputError", "LiveState", "LiveVerdict", "NetworkDown", "Reference", "Report", "Result", "Settings",
    "Verdict", "__version__", "acheck", "check", "format_names", "read_document", "read_inputs", "read_references",
    "render",
]
