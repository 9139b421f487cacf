"""Signed checkpoints of the chain's head, to export where the database's owner cannot reach.

The chain alone proves that sealed events were not rewritten; it cannot show that its tail was
cut off. A checkpoint (sequence number and hash of the head, signed with the instance's
Ed25519 key) kept in a file or sent to a webhook lets `tamis audit verify --checkpoint` catch
both truncation and rewriting later.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tamis.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    created_at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return f"tamis-audit-checkpoint:{self.seq}:{self.hash}:{self.created_at}".encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            data = json.loads(text)
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"not a tamis audit checkpoint: {exc}") from None


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidInput(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def _public(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(key: Ed25519PrivateKey, *, seq: int, head_hash: str, at: datetime) -> Checkpoint:
    unsigned = Checkpoint(seq, head_hash, at.isoformat(), _public(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return Checkpoint(seq, head_hash, unsigned.created_at, unsigned.public_key, signature)


def signature_valid(checkpoint: Checkpoint, trusted: Ed25519PublicKey) -> bool:
    if checkpoint.public_key != _public(trusted):
        return False
    try:
        trusted.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True
