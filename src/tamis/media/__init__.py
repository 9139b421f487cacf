"""Content-addressed media storage: the port and its filesystem adapter.

Items refer to media by SHA-256 digest, so the same photo sent twice is stored once per
tenant, and erasing it is deleting one file. Each tenant has its own tree: one tenant's
erasure never touches another's copy, and a path can never be guessed across tenants.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_TENANT = re.compile(r"^[A-Za-z0-9_]{1,32}$")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MediaStore(Protocol):
    def put(self, *, tenant_id: str, data: bytes) -> str: ...
    def get(self, *, tenant_id: str, digest: str) -> bytes | None: ...
    def delete(self, *, tenant_id: str, digest: str) -> bool: ...


class FilesystemMediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, tenant_id: str, digest: str) -> Path:
        if not _DIGEST.match(digest) or not _TENANT.match(tenant_id):
            raise ValueError("malformed tenant id or digest")
        return self.root / tenant_id / digest[:2] / digest[2:4] / digest

    def put(self, *, tenant_id: str, data: bytes) -> str:
        digest = digest_of(data)
        path = self._path(tenant_id, digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, *, tenant_id: str, digest: str) -> bytes | None:
        path = self._path(tenant_id, digest)
        return path.read_bytes() if path.exists() else None

    def delete(self, *, tenant_id: str, digest: str) -> bool:
        path = self._path(tenant_id, digest)
        if not path.exists():
            return False
        path.unlink()
        return True
