"""Opinions-app test data: vault files, packets, links, opinions, questions."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from secondopinion.opinions.models import Opinion, PacketBuild, PatientQuestion
from secondopinion.opinions.packet import SourceFile
from secondopinion.opinions.pdfs import Letter, letter_pdf
from secondopinion.opinions.services import packet_build
from secondopinion.opinions.services.links import link_create
from secondopinion.opinions.services.sources import VaultItem
from tests.providers.factories import make_service


def tiny_pdf(text: str = "Report") -> bytes:
    return letter_pdf(Letter(title=text, paragraphs=[text]))


def vault_item(folder: Path, name: str, data: bytes, kind: str = "pathology_report") -> VaultItem:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    source = SourceFile(
        source=path,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        title=Path(name).stem,
    )
    return VaultItem(key=f"doc:{name}", label=Path(name).stem, kind=kind, files=(source,))


def make_build(case, service=None) -> PacketBuild:
    """A finished packet, built through the real path (with an empty vault)."""
    service = service or make_service(case, doctor_name="Ada Moreau")
    build = PacketBuild.objects.create(case=case, service=service)
    return packet_build.packet_run(build_pk=build.pk)


def make_link(case, service=None, **kw):
    service = service or make_service(case, doctor_name="Ada Moreau")
    return link_create(case=case, service=service, user=case.owner, **kw)


def make_opinion(case, **fields) -> Opinion:
    name = default_storage.save(f"reports/{case.public_id}/test.pdf", ContentFile(tiny_pdf()))
    fields.setdefault("doctor_name", "Ada Moreau")
    return Opinion.objects.create(
        case=case, report_name=name, report_original="report.pdf", **fields
    )


def make_question(case) -> PatientQuestion:
    return PatientQuestion.objects.create(
        case=case, group="reviewer", text="Do you agree with my plan?"
    )
