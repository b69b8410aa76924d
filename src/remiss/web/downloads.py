"""Files downloaded from the web: their Content-Disposition, and files someone sent.

Kept apart from the pages that serve them (the yttrande, the register, attachments, the
local mailbox) so each names its file the same way.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi.responses import Response

UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266/5987)."""
    utf8 = "".join("_" if c in '"\\/' or unicodedata.category(c)[0] == "C" else c for c in filename)
    ascii_name = unicodedata.normalize("NFKD", utf8).encode("ascii", "ignore").decode("ascii")
    ascii_name = UNSAFE_IN_FILENAME.sub("_", ascii_name).strip("._") or "yttrande"
    header = f'{disposition}; filename="{ascii_name}"'
    if utf8 != ascii_name:
        header += f"; filename*=UTF-8''{quote(utf8, safe='')}"
    return header


def opaque_download(content: bytes, filename: str) -> Response:
    """A file someone sent, downloaded as bytes and never shown or sniffed in our origin."""
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
