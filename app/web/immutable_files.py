"""Files a URL names for good (a content hash or a data version in it): the outlines and the
map's point layers. Sent once per browser: cached for a year, revalidated by ETag, gzipped when
the browser accepts it."""
from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class ServedFile:
    body: bytes
    gzipped: bytes
    etag: str

    @property
    def digest(self) -> str:
        return self.etag.strip('"')

    @classmethod
    def of(cls, body: bytes) -> ServedFile:
        # mtime=0: the same body gives the same gzip bytes in every process behind nginx.
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0),
                   f'"{hashlib.sha256(body).hexdigest()[:16]}"')


def file_response(request: Request, file: ServedFile, media_type: str) -> Response:
    headers = {"Cache-Control": IMMUTABLE, "ETag": file.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == file.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(file.gzipped, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(file.body, media_type=media_type, headers=headers)
