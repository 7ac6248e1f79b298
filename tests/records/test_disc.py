"""Scanning a disc (folder or ZIP): keep DICOM byte for byte, skip the rest and say how much."""

import hashlib
import os
import zipfile
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import generate_uid

from secondopinion.core.vault import FileTooLarge
from secondopinion.records import disc, safezip
from tests.records.helpers import dicom_bytes, small_cd, zip_of

DICOMDIR_TREE = Path(pydicom.__file__).parent / "data" / "test_files" / "dicomdirtests"


def _stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("workers", [1, 2])
def test_it_keeps_dicom_and_skips_viewer_and_autorun_files(tmp_path, workers):
    cd = tmp_path / "cd"
    counts = small_cd(cd, studies=2, series=2, images=3)
    scan = disc.DiscScan(root=tmp_path / "store", workers=workers)
    index = scan.folder_scan(cd)
    summary = index.summary()
    assert (summary["studies"], summary["series"], summary["images"]) == (
        counts["studies"],
        counts["series"],
        counts["images"],
    )
    assert summary["skipped_files"] == 3  # viewer.exe, AUTORUN.INF, README.TXT
    assert summary["skipped_bytes"] == sum(
        (cd / p).stat().st_size for p in ("VIEWER/viewer.exe", "AUTORUN.INF", "README.TXT")
    )
    assert len(_stored_files(tmp_path / "store")) == counts["images"]


def test_it_keeps_the_originals_byte_for_byte_with_their_digest(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=2)
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.folder_scan(cd)
    for study in index.studies.values():
        for series in study.series.values():
            for instance in series.instances:
                original = (cd / instance.path).read_bytes()
                copy = (tmp_path / "store" / instance.stored_name).read_bytes()
                assert copy == original
                assert instance.sha256 == hashlib.sha256(original).hexdigest()


def test_it_indexes_pydicoms_dicomdir_test_tree_with_the_right_counts(tmp_path):
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.folder_scan(DICOMDIR_TREE)
    # The main DICOMDIR lists 6 studies, 13 series, 31 images; TINY_ALPHA adds 1, 1, 50.
    assert (len(index.studies), index.series_count, index.instance_count) == (7, 14, 81)
    assert index.directory_files == 8  # the DICOMDIR variants are tables of contents, not images
    counts = sorted(se.image_count for st in index.studies.values() for se in st.series.values())
    assert counts == [1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 5, 7, 50]


def test_it_reads_the_same_tree_from_a_zip(tmp_path):
    archive = zip_of(DICOMDIR_TREE, tmp_path / "tree.zip")
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.source_scan(archive)
    assert (len(index.studies), index.series_count, index.instance_count) == (7, 14, 81)


def test_it_refuses_a_program_in_a_preamble_and_reports_it_by_name(tmp_path):
    cd = tmp_path / "cd"
    cd.mkdir()
    uids = {"study_uid": generate_uid(), "series_uid": generate_uid()}
    (cd / "GOOD").write_bytes(dicom_bytes(**uids))
    (cd / "EVIL").write_bytes(dicom_bytes(**uids, number=2, preamble=b"MZ" + b"\0" * 126))
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.folder_scan(cd)
    assert index.instance_count == 1
    assert [p.path for p in index.problems] == ["EVIL"]
    assert "program" in index.problems[0].reason
    assert len(_stored_files(tmp_path / "store")) == 1


def test_it_skips_truncated_and_malformed_dicom_with_a_reason(tmp_path):
    cd = tmp_path / "cd"
    cd.mkdir()
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    (cd / "CUT").write_bytes(data[:200])
    (cd / "JUNK").write_bytes(b"\0" * 128 + b"DICM" + os.urandom(300))
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.folder_scan(cd)
    assert index.instance_count == 0
    assert sorted(p.path for p in index.problems) == ["CUT", "JUNK"]
    assert _stored_files(tmp_path / "store") == []


def test_it_imports_files_without_a_preamble(tmp_path):
    cd = tmp_path / "cd"
    cd.mkdir()
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    (cd / "BARE").write_bytes(data[132:])
    index = disc.DiscScan(root=tmp_path / "store").folder_scan(cd)
    assert index.instance_count == 1


def test_it_never_follows_symlinks_on_a_disc(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=1)
    (cd / "link").symlink_to("/etc/passwd")
    index = disc.DiscScan(root=tmp_path / "store").folder_scan(cd)
    assert any(s.path == "link" and "shortcut" in s.reason for s in index.skipped)


def test_it_counts_an_image_seen_twice_once(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=2)
    first = next((cd / "DICOM").rglob("IM0"))
    (cd / "COPY").write_bytes(first.read_bytes())
    scan = disc.DiscScan(root=tmp_path / "store")
    index = scan.folder_scan(cd)
    assert (index.instance_count, index.duplicates) == (2, 1)
    assert len(_stored_files(tmp_path / "store")) == 2


def test_it_makes_a_preview_per_series(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=2, images=3)
    scan = disc.DiscScan(root=tmp_path / "store")
    scan.folder_scan(cd)
    previews = scan.previews_make()
    assert len(previews) == 2
    assert all(
        (tmp_path / "store" / name).read_bytes().startswith(b"\x89PNG")
        for name in previews.values()
    )


def test_it_removes_everything_it_stored_when_asked(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=3)
    scan = disc.DiscScan(root=tmp_path / "store")
    scan.folder_scan(cd)
    scan.previews_make()
    scan.cleanup()
    assert _stored_files(tmp_path / "store") == []


def test_it_stops_part_way_and_lists_what_it_had_stored(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=2, images=5)

    def fail(done, total):
        if done > 2000:
            raise RuntimeError("injected")

    scan = disc.DiscScan(root=tmp_path / "store", on_progress=fail, workers=2)
    with pytest.raises(RuntimeError):
        scan.folder_scan(cd)
    assert scan.stored  # some files were written before the failure
    scan.cleanup()
    assert _stored_files(tmp_path / "store") == []


def test_it_refuses_a_zip_bomb_before_storing_anything(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("IM1", b"\0" * (8 * 1024 * 1024))
    scan = disc.DiscScan(root=tmp_path / "store")
    with pytest.raises(safezip.ZipTooLarge):
        scan.source_scan(archive)
    assert not (tmp_path / "store").exists() or _stored_files(tmp_path / "store") == []


def test_it_enforces_the_file_size_limit_while_streaming(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=1)
    scan = disc.DiscScan(root=tmp_path / "store", max_file_bytes=300)
    with pytest.raises(FileTooLarge):
        scan.folder_scan(cd)
    scan.cleanup()
    assert _stored_files(tmp_path / "store") == []


def test_it_measures_zip_progress_against_the_declared_size(tmp_path):
    cd = tmp_path / "cd"
    small_cd(cd, series=1, images=2)
    archive = zip_of(cd, tmp_path / "cd.zip")
    seen = []
    scan = disc.DiscScan(
        root=tmp_path / "store", on_progress=lambda done, total: seen.append((done, total))
    )
    scan.source_scan(archive)
    total = sum(p.stat().st_size for p in cd.rglob("*") if p.is_file())
    assert seen[-1] == (total, total)
