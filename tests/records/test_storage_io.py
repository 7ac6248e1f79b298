"""Storing a stream: one pass, hashed, limited while streaming, nothing left on failure."""

import hashlib
import io

import pytest

from secondopinion.records import storage_io


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_it_stores_bytes_under_a_server_name_with_their_digest(tmp_path):
    data = b"hello records" * 1000
    stored = storage_io.stream_store(io.BytesIO(data), root=tmp_path)
    assert stored.path.read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert len(stored.name.split("/")[1]) == 32
    assert _files(tmp_path) == [stored.path]


def test_it_writes_the_sniffed_head_first_so_the_copy_is_exact(tmp_path):
    source = io.BytesIO(b"0123456789")
    head = source.read(4)
    stored = storage_io.stream_store(source, root=tmp_path, head=head)
    assert stored.path.read_bytes() == b"0123456789"


def test_it_stops_at_the_limit_while_streaming_and_leaves_nothing(tmp_path):
    pulled = []

    def chunks():
        for _ in range(100):
            pulled.append(1)
            yield b"x" * 1000

    with pytest.raises(storage_io.FileTooLarge) as caught:
        storage_io.stream_store(chunks(), root=tmp_path, max_bytes=5_500)
    assert len(pulled) == 6  # stopped at the chunk that crossed the limit, not at the end
    assert "limit" in caught.value.message
    assert _files(tmp_path) == []


def test_it_refuses_an_empty_file_and_leaves_nothing(tmp_path):
    with pytest.raises(storage_io.EmptyFile):
        storage_io.stream_store(io.BytesIO(b""), root=tmp_path)
    assert _files(tmp_path) == []


def test_it_cleans_up_when_the_source_fails_part_way(tmp_path):
    def chunks():
        yield b"abc"
        raise OSError("disc read error")

    with pytest.raises(OSError):
        storage_io.stream_store(chunks(), root=tmp_path)
    assert _files(tmp_path) == []


def test_it_refuses_a_stored_name_that_leaves_the_root(tmp_path):
    with pytest.raises(storage_io.StorageError):
        storage_io.stored_path(root=tmp_path, name="../../etc/passwd")


def test_it_removes_stored_files_repeatably(tmp_path):
    stored = storage_io.stream_store([b"abc"], root=tmp_path)
    storage_io.stored_remove(root=tmp_path, name=stored.name)
    storage_io.stored_remove(root=tmp_path, name=stored.name)
    assert _files(tmp_path) == []


def test_it_says_sizes_in_plain_words():
    assert storage_io.human_size(512) == "512 bytes"
    assert storage_io.human_size(2 * 1024 * 1024) == "2.0 MB"


def test_it_makes_many_files_durable_at_once(tmp_path, monkeypatch):
    names = [storage_io.stream_store([b"x"], root=tmp_path, fsync=False).name for _ in range(3)]
    storage_io.files_sync(root=tmp_path, names=names)
    # Without syncfs (not Linux), each file and folder is fsynced instead.
    monkeypatch.setattr(storage_io, "_syncfs", lambda root: False)
    synced = []
    real_fsync = storage_io.os.fsync
    monkeypatch.setattr(storage_io.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    storage_io.files_sync(root=tmp_path, names=names)
    assert len(synced) >= 4  # three files and at least one folder
