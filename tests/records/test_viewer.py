"""The scan viewer pages: a series stepped slice by slice, drawn once and kept privately."""

from __future__ import annotations

import os
import stat

import pydicom
import pytest
from django.urls import reverse
from pydicom.uid import JPEGLSLossless

from secondopinion.cases.lifecycle import case_delete
from secondopinion.core import vault
from secondopinion.records.imports import disc_import_run, disc_import_start, storage_root
from secondopinion.records.models import ImagingInstance, ImagingSeries
from secondopinion.records.slicecache import SliceCache
from tests.records.helpers import dicom_bytes, small_cd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache(settings, tmp_path):
    settings.VIEWER_CACHE_DIR = tmp_path / "cache" / "slices"
    return settings.VIEWER_CACHE_DIR


def _series(case, tmp_path, *, images: int = 3) -> ImagingSeries:
    small_cd(tmp_path / "cd", series=1, images=images, patient_name="OWNER^OLIVE")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    return ImagingSeries.objects.get()


def _url(case, series, **params):
    url = reverse("records:series_viewer", args=[case.public_id, series.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_study_page_links_each_series_to_the_viewer(owner_client, case, tmp_path):
    series = _series(case, tmp_path)
    study_url = reverse("records:study_detail", args=[case.public_id, series.study.public_id])
    page = owner_client.get(study_url).content.decode()
    assert _url(case, series) in page and "Look through this series" in page
    assert (
        _url(case, series)
        in owner_client.get(reverse("records:index", args=[case.public_id])).content.decode()
    )


def test_it_opens_on_the_middle_slice_and_says_it_is_not_a_diagnostic_viewer(
    owner_client, case, tmp_path
):
    series = _series(case, tmp_path, images=5)
    page = owner_client.get(_url(case, series)).content.decode()
    assert "Slice 3 of 5" in page
    assert "not a diagnostic viewer" in page
    image = reverse("records:series_slice", args=[case.public_id, series.public_id, 3])
    assert f'src="{image}?window=file"' in page
    # CT: the three presets, the file's window and automatic.
    for label in ("Soft tissue (W400 L40)", "Lung (W1500 L-600)", "Bone (W1800 L400)"):
        assert label in page
    assert 'href="' + _url(case, series, slice=2, window="file") + '"' in page.replace("&amp;", "&")


def test_it_steps_as_json_and_serves_the_drawn_slice(owner_client, case, tmp_path, _cache):
    series = _series(case, tmp_path, images=4)
    state = owner_client.get(
        _url(case, series, slice=4, window="lung"), HTTP_ACCEPT="application/json"
    ).json()
    assert state["label"] == "Slice 4 of 4" and state["problem"] == ""
    assert state["position"] == "Position: not recorded in the file"
    assert state["image"].endswith("/slices/4.png?window=lung")
    image = owner_client.get(state["image"])
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # Kept privately, in one folder for the case.
    folder = _cache / case.public_id.hex
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    files = list(folder.iterdir())
    assert {f.suffix for f in files} == {".png", ".json"}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    # Past the end is clamped on the page, a 404 for the picture.
    assert owner_client.get(_url(case, series, slice=99)).content.decode().count("Slice 4 of 4")
    missing = reverse("records:series_slice", args=[case.public_id, series.public_id, 5])
    assert owner_client.get(missing).status_code == 404


def test_it_shows_the_position_of_a_slice(owner_client, case, tmp_path):
    series = _series(case, tmp_path, images=1)
    instance = ImagingInstance.objects.get()
    path = storage_root() / instance.stored_name
    ds = pydicom.dcmread(path)
    ds.ImagePositionPatient = [0, 0, -42.5]
    ds.save_as(path)
    page = owner_client.get(_url(case, series)).content.decode()
    assert "Position: -42.5 mm" in page


def test_a_slice_that_cannot_be_drawn_says_so_and_the_others_still_show(
    owner_client, case, tmp_path
):
    series = _series(case, tmp_path, images=2)
    broken = ImagingInstance.objects.order_by("instance_number").first()
    vault.stored_path(root=storage_root(), name=broken.stored_name).write_bytes(
        dicom_bytes(
            study_uid=series.study.study_uid,
            series_uid=series.series_uid,
            transfer_syntax=JPEGLSLossless,
        )
    )
    page = owner_client.get(_url(case, series, slice=1)).content.decode()
    assert "Slice 1 cannot be shown. This picture is stored compressed (JPEG-LS" in page
    image = reverse("records:series_slice", args=[case.public_id, series.public_id, 1])
    refused = owner_client.get(image)
    assert refused.status_code == 422 and b"JPEG-LS" in refused.content
    assert "cannot be shown" not in owner_client.get(_url(case, series, slice=2)).content.decode()


def test_an_mri_is_offered_only_its_own_window(owner_client, case, tmp_path):
    series = _series(case, tmp_path, images=1)
    series.modality = "MR"
    series.save()
    page = owner_client.get(_url(case, series, window="lung")).content.decode()
    assert "Lung" not in page and "As saved in the file" in page
    assert "?window=file" in page  # the CT window asked for was not used


def test_a_caregiver_may_look_and_a_stranger_gets_404(client, case, caregiver, stranger, tmp_path):
    series = _series(case, tmp_path, images=1)
    image = reverse("records:series_slice", args=[case.public_id, series.public_id, 1])
    client.force_login(stranger)
    assert client.get(_url(case, series)).status_code == 404
    assert client.get(image).status_code == 404
    client.force_login(caregiver)
    assert client.get(_url(case, series)).status_code == 200
    assert client.get(image).status_code == 200


def test_deleting_the_case_removes_its_drawn_slices(
    owner_client, case, tmp_path, _cache, django_capture_on_commit_callbacks
):
    series = _series(case, tmp_path, images=1)
    owner_client.get(_url(case, series))
    assert (_cache / case.public_id.hex).is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        case_delete(case=case)
    assert not (_cache / case.public_id.hex).exists()


def test_the_cache_stays_under_its_size_dropping_the_least_recently_used(tmp_path):
    cache = SliceCache(tmp_path / "c", max_bytes=3000)
    for n in range(3):
        cache.put("case", f"k{n}", png=b"x" * 900, meta={"n": n})
        os.utime(tmp_path / "c" / "case" / f"k{n}.json", (n, n))
    assert cache.get("case", "k0") is not None  # used now: the newest
    cache.put("case", "k3", png=b"x" * 900, meta={"n": 3})
    assert cache.size() <= 3000
    assert cache.get("case", "k1") is None and cache.get("case", "k0") is not None
    with pytest.raises(ValueError):
        cache.get("../x", "k0")


def test_a_missing_file_says_so(owner_client, case, tmp_path):
    series = _series(case, tmp_path, images=1)
    vault.stored_path(root=storage_root(), name=ImagingInstance.objects.get().stored_name).unlink()
    assert "missing from storage" in owner_client.get(_url(case, series)).content.decode()
