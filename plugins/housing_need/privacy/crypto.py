"""Archived deliveries of private sources, encrypted at rest with AES-256-GCM.

Format (``.enc`` files): ``MAGIC``, then chunks of at most ``CHUNK`` plaintext bytes, each written
as a 12-byte random nonce, the 4-byte big-endian ciphertext length and the ciphertext with its
16-byte tag. Each chunk's associated data binds its position and whether it is the last one, so a
file cut short, reordered or spliced fails to decrypt instead of yielding part of a delivery.
Chunking keeps memory flat for national-scale register extracts.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import HousingNeedError

MAGIC = b"HNENC1\n"
CHUNK = 4 * 1024 * 1024
ALGORITHM = "aes-256-gcm"
SUFFIX = ".enc"


class DecryptionFailed(HousingNeedError):
    """An archived file cannot be decrypted: wrong key, or the file was damaged."""


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", index, last)


def encrypt(plaintext: bytes, key: bytes) -> bytes:
    aead = AESGCM(key)
    out = [MAGIC]
    chunks = [plaintext[i : i + CHUNK] for i in range(0, len(plaintext), CHUNK)] or [b""]
    for index, chunk in enumerate(chunks):
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, chunk, _aad(index, index == len(chunks) - 1))
        out += [nonce, struct.pack(">I", len(sealed)), sealed]
    return b"".join(out)


def decrypt(data: bytes, key: bytes, *, name: str = "archived file") -> bytes:
    if not data.startswith(MAGIC):
        raise DecryptionFailed(f"{name}: not an encrypted archive file (no {MAGIC!r} header)")
    aead = AESGCM(key)
    parts: list[bytes] = []
    pos, index, last = len(MAGIC), 0, False
    while pos < len(data):
        if pos + 16 > len(data):
            raise DecryptionFailed(f"{name}: cut short inside chunk {index}")
        nonce = data[pos : pos + 12]
        (length,) = struct.unpack(">I", data[pos + 12 : pos + 16])
        sealed = data[pos + 16 : pos + 16 + length]
        pos += 16 + length
        last = pos >= len(data)
        try:
            parts.append(aead.decrypt(nonce, sealed, _aad(index, last)))
        except InvalidTag:
            raise DecryptionFailed(
                f"{name}: chunk {index} does not decrypt (wrong key, or the file was cut short or changed)"
            ) from None
        index += 1
    if not last:
        raise DecryptionFailed(f"{name}: no chunks")
    return b"".join(parts)
