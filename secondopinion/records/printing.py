"""Where the records request letter gets its PDF: the PDF writer lives higher up (opinions/pdfs.py,
with the fonts), so it registers itself here from OpinionsConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from secondopinion.core.registry import Registry
from secondopinion.records.letters import Letter

# (letter) -> PDF bytes. The first one registered is used.
LETTER_PDF_WRITERS: Registry[Callable[[Letter], bytes]] = Registry("records letter PDF writers")
