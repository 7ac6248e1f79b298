"""Storing a stream: one pass, hashed, limited while streaming, nothing left on failure."""

import hashlib
import io
import zipfile

import pytest

from secondopinion.core.vault import files as vault


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_it_stores_bytes_under_a_server_name_with_their_digest(tmp_path):
    data = b"hello records" * 1000
    stored = vault.stream_store(io.BytesIO(data), root=tmp_path)
    assert stored.path.read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert len(stored.name.split("/")[1]) == 32
    assert _files(tmp_path) == [stored.path]


def test_it_writes_the_sniffed_head_first_so_the_copy_is_exact(tmp_path):
    source = io.BytesIO(b"0123456789")
    head = source.read(4)
    stored = vault.stream_store(source, root=tmp_path, head=head)
    assert stored.path.read_bytes() == b"0123456789"


def test_it_stops_at_the_limit_while_streaming_and_leaves_nothing(tmp_path):
    pulled = []

    def chunks():
        for _ in range(100):
            pulled.append(1)
            yield b"x" * 1000

    with pytest.raises(vault.FileTooLarge) as caught:
        vault.stream_store(chunks(), root=tmp_path, max_bytes=5_500)
    assert len(pulled) == 6  # stopped at the chunk that crossed the limit, not at the end
    assert "limit" in caught.value.message
    assert _files(tmp_path) == []


def test_it_refuses_an_empty_file_and_leaves_nothing(tmp_path):
    with pytest.raises(vault.EmptyFile):
        vault.stream_store(io.BytesIO(b""), root=tmp_path)
    assert _files(tmp_path) == []


def test_it_cleans_up_when_the_source_fails_part_way(tmp_path):
    def chunks():
        yield b"abc"
        raise OSError("disc read error")

    with pytest.raises(OSError):
        vault.stream_store(chunks(), root=tmp_path)
    assert _files(tmp_path) == []


def test_it_refuses_a_stored_name_that_leaves_the_root(tmp_path):
    with pytest.raises(vault.StorageError):
        vault.stored_path(root=tmp_path, name="../../etc/passwd")


def test_it_removes_stored_files_repeatably(tmp_path):
    stored = vault.stream_store([b"abc"], root=tmp_path)
    vault.stored_remove(root=tmp_path, name=stored.name)
    vault.stored_remove(root=tmp_path, name=stored.name)
    assert _files(tmp_path) == []


def test_it_says_sizes_in_plain_words():
    assert vault.human_size(512) == "512 bytes"
    assert vault.human_size(2 * 1024 * 1024) == "2.0 MB"


def test_it_makes_many_files_durable_at_once(tmp_path, monkeypatch):
    names = [vault.stream_store([b"x"], root=tmp_path, fsync=False).name for _ in range(3)]
    vault.files_sync(root=tmp_path, names=names)
    # Without syncfs (not Linux), each file and folder is fsynced instead.
    monkeypatch.setattr(vault, "_syncfs", lambda root: False)
    synced = []
    real_fsync = vault.os.fsync
    monkeypatch.setattr(vault.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    vault.files_sync(root=tmp_path, names=names)
    assert len(synced) >= 4  # three files and at least one folder


def test_digests_of_a_stream_and_of_a_path_agree_with_hashlib(tmp_path):
    data = b"abc" * 500_000  # more than one chunk
    path = tmp_path / "f"
    path.write_bytes(data)
    expected = (hashlib.sha256(data).hexdigest(), len(data))
    assert vault.stream_digest(io.BytesIO(data), chunk_size=4096) == expected
    assert vault.path_digest(path) == expected
    assert vault.same_digest(expected[0].upper() + " ", expected[0])


def _zip_member(data, **kwargs):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("files/a.bin")
        copy = vault.zip_copy(zf, info, io.BytesIO(data), **kwargs)
    with zipfile.ZipFile(out) as zf:
        return copy, zf.read("files/a.bin")


def test_zip_copy_writes_the_bytes_and_says_they_match_the_record():
    data = b"x" * 3_000_000
    seen = []
    copy, member = _zip_member(
        data, sha256=hashlib.sha256(data).hexdigest(), size=len(data), advance=seen.append
    )
    assert member == data
    assert copy.expected and copy.size == len(data)
    assert copy.sha256 == hashlib.sha256(data).hexdigest()
    assert sum(seen) == len(data) and len(seen) > 1  # progress comes block by block


def test_zip_copy_says_when_the_bytes_differ_from_the_record():
    data = b"changed since it was stored"
    wrong_digest, _ = _zip_member(data, sha256="0" * 64, size=len(data))
    wrong_size, _ = _zip_member(data, sha256=hashlib.sha256(data).hexdigest(), size=len(data) + 1)
    unrecorded, _ = _zip_member(data)
    assert not wrong_digest.expected
    assert not wrong_size.expected
    assert unrecorded.expected  # nothing recorded: nothing to disagree with


def test_zip_copy_reads_from_a_stream_that_only_offers_read():
    class ReadOnly:
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def read(self, n=-1):
            return self.inner.read(n)

    data = b"object storage body" * 1000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        copy = vault.zip_copy(zf, zipfile.ZipInfo("b"), ReadOnly(data), size=len(data))
    assert copy.expected and zipfile.ZipFile(out).read("b") == data
