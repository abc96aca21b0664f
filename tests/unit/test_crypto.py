"""The archive's encryption streams chunk by chunk in the same file format: archives written before
(whole files in memory) still decrypt, memory stays at a few chunks, and a damaged file fails."""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from housing_need.pipeline.archive import ArchivedFile, archive_bytes, sha256_of
from housing_need.privacy import crypto

KEY = bytes(range(32))
SMALL = 64  # a chunk size that makes the boundaries cheap to test


def _before(plaintext: bytes, key: bytes, chunk: int) -> bytes:
    """The format as the whole-file encryption wrote it (the archive's existing files)."""
    aead = AESGCM(key)
    out = [crypto.MAGIC]
    chunks = [plaintext[i : i + chunk] for i in range(0, len(plaintext), chunk)] or [b""]
    for index, part in enumerate(chunks):
        nonce = os.urandom(12)
        aad = crypto.MAGIC + struct.pack(">Q?", index, index == len(chunks) - 1)
        sealed = aead.encrypt(nonce, part, aad)
        out += [nonce, struct.pack(">I", len(sealed)), sealed]
    return b"".join(out)


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 5])
def test_streams_read_and_write_the_archive_format(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK", SMALL)
    plaintext = os.urandom(size)
    old = _before(plaintext, KEY, SMALL)
    assert crypto.decrypt(old, KEY) == plaintext  # an archive written before decrypts
    sealed = io.BytesIO()
    assert crypto.encrypt_stream(io.BytesIO(plaintext), sealed, KEY) == size
    new = sealed.getvalue()
    assert len(new) == len(old)  # same chunks, same framing (nonces differ)
    out = io.BytesIO()
    assert crypto.decrypt_stream(io.BytesIO(new), out, KEY) == size
    assert out.getvalue() == plaintext == crypto.decrypt(crypto.encrypt(plaintext, KEY), KEY)


def test_a_damaged_file_fails_to_decrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK", SMALL)
    data = crypto.encrypt(os.urandom(3 * SMALL), KEY)
    frame = 16 + SMALL + 16  # nonce and length, ciphertext, tag
    damaged = {
        "not an encrypted archive file": b"plain text",
        "no chunks": crypto.MAGIC,
        "cut short inside chunk 1": data[: len(crypto.MAGIC) + frame + 5],
        "chunk 2 does not decrypt": data[:-1],
        "chunk 1 does not decrypt": data[: len(crypto.MAGIC) + 2 * frame],  # the last chunk dropped
        "chunk 0 does not decrypt": crypto.MAGIC
        + data[len(crypto.MAGIC) + frame : len(crypto.MAGIC) + 2 * frame]
        + data[len(crypto.MAGIC) : len(crypto.MAGIC) + frame]
        + data[len(crypto.MAGIC) + 2 * frame :],  # reordered
    }
    for message, content in damaged.items():
        with pytest.raises(crypto.DecryptionFailed, match=f"x.enc: {message}"):
            crypto.decrypt(content, KEY, name="x.enc")
    with pytest.raises(crypto.DecryptionFailed, match="chunk 0 does not decrypt"):
        crypto.decrypt(data, bytes(32))


def test_archiving_and_reading_a_big_file_holds_a_few_chunks_not_the_file(tmp_path: Path) -> None:
    """A 40 MiB delivery is archived encrypted from a file and read back: the ciphertext is never
    held whole (the reader holds the plaintext it returns, and one chunk)."""
    plaintext = os.urandom(40 * 2**20)
    source = tmp_path / "delivery.csv"
    source.write_bytes(plaintext)
    archive = tmp_path / "archive"
    from housing_need.pipeline.archive import Delivered, archive_delivered

    tracemalloc.start()
    entry, new = archive_delivered(
        archive, "src", Delivered.of_file(source), original_name="d.csv", origin="inbox", release="r", key=KEY
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert new and entry.sha256 == sha256_of(plaintext) and entry.size == len(plaintext)
    assert peak < 5 * crypto.CHUNK  # the chunk, the one read ahead, its ciphertext: not the 40 MiB
    tracemalloc.start()
    read = entry.read(archive, KEY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert read == plaintext
    assert peak < len(plaintext) + 4 * crypto.CHUNK  # whole-file decryption held it three times
    again, new = archive_bytes(
        archive, "src", plaintext, original_name="d.csv", origin="x", release="r", key=KEY
    )
    assert not new and again == entry and isinstance(again, ArchivedFile)
