"""tamis: self-hostable content moderation.

The public API for use as a library, without a server or a database::

    import tamis
    v = tamis.moderate(text="Va te faire foutre, connard")
    v.flagged, v.action, v.categories
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tamis")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

from tamis.core.content import Content, LinkPart, MediaPart, TextPart
from tamis.core.verdict import Action, Verdict
from tamis.library import moderate

__all__ = [
    "Action",
    "Content",
    "LinkPart",
    "MediaPart",
    "TextPart",
    "Verdict",
    "__version__",
    "moderate",
]
