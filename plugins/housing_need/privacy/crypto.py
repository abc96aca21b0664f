"""Archived deliveries of private sources, encrypted at rest with AES-256-GCM.

Format (``.enc`` files): ``MAGIC``, then chunks of at most ``CHUNK`` plaintext bytes, each written
as a 12-byte random nonce, the 4-byte big-endian ciphertext length and the ciphertext with its
16-byte tag. Each chunk's associated data binds its position and whether it is the last one, so a
file cut short, reordered or spliced fails to decrypt instead of yielding part of a delivery.

:func:`encrypt_stream` and :func:`decrypt_stream` work chunk by chunk from one file object to
another, so memory stays flat (one chunk, 4 MiB) whatever the size of a national-scale register
extract; :func:`encrypt` and :func:`decrypt` are the same on bytes in memory.
"""

from __future__ import annotations

import io
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import HousingNeedError

MAGIC = b"HNENC1\n"
CHUNK = 4 * 1024 * 1024
ALGORITHM = "aes-256-gcm"
SUFFIX = ".enc"
_HEAD = 16  # nonce (12 bytes) and ciphertext length (4)


class DecryptionFailed(HousingNeedError):
    """An archived file cannot be decrypted: wrong key, or the file was damaged."""


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", index, last)


def _read(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes: fewer only at the end of ``source`` (a raw stream may return less)."""
    data = source.read(size)
    while 0 < len(data) < size:
        more = source.read(size - len(data))
        if not more:
            break
        data += more
    return data


def encrypt_stream(source: BinaryIO, sink: BinaryIO, key: bytes) -> int:
    """Encrypt ``source`` into ``sink`` a chunk at a time; the plaintext's size in bytes."""
    aead = AESGCM(key)
    sink.write(MAGIC)
    chunk, index, size = _read(source, CHUNK), 0, 0
    while True:
        following = _read(source, CHUNK)  # read ahead: the last chunk says so in its associated data
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, chunk, _aad(index, not following))
        sink.write(nonce + struct.pack(">I", len(sealed)))
        sink.write(sealed)
        size += len(chunk)
        if not following:
            return size
        chunk, index = following, index + 1


def decrypt_stream(source: BinaryIO, sink: BinaryIO, key: bytes, *, name: str = "archived file") -> int:
    """Decrypt ``source`` into ``sink`` a chunk at a time; the plaintext's size in bytes. A damaged
    file raises DecryptionFailed at its first bad chunk (``sink`` then holds the chunks before it)."""
    if _read(source, len(MAGIC)) != MAGIC:
        raise DecryptionFailed(f"{name}: not an encrypted archive file (no {MAGIC!r} header)")
    aead = AESGCM(key)
    head, index, size = _read(source, _HEAD), 0, 0
    if not head:
        raise DecryptionFailed(f"{name}: no chunks")
    while head:
        if len(head) < _HEAD:
            raise DecryptionFailed(f"{name}: cut short inside chunk {index}")
        (length,) = struct.unpack(">I", head[12:])
        sealed = _read(source, length)
        following = _read(source, _HEAD)
        try:
            plain = aead.decrypt(head[:12], sealed, _aad(index, not following))
        except InvalidTag:
            raise DecryptionFailed(
                f"{name}: chunk {index} does not decrypt (wrong key, or the file was cut short or changed)"
            ) from None
        sink.write(plain)
        size += len(plain)
        head, index = following, index + 1
    return size


def encrypt(plaintext: bytes, key: bytes) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), out, key)
    return out.getvalue()


def decrypt(data: bytes, key: bytes, *, name: str = "archived file") -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(data), out, key, name=name)
    return out.getvalue()
