"""The service's agreement: store its text with what the reader found (thin Django glue)."""

from __future__ import annotations

import datetime

from django.db import transaction

from secondopinion.agreements.reader import UnreadableAgreement, agreement_read
from secondopinion.agreements.source import (
    TextExtractionError,
    agreement_text_from_bytes,
    html_to_text,
    text_checked,
)
from secondopinion.providers.facts import service_save
from secondopinion.providers.models import Answer, Service


class AgreementError(ValueError):
    """Plain message for the patient; nothing stored was changed."""


def agreement_text_from_input(*, pasted: str, upload) -> str:
    if upload is not None:
        if upload.size > 20 * 1024 * 1024:
            raise AgreementError("The file is too large. An agreement should be under 20 MB.")
        try:
            return agreement_text_from_bytes(upload.read(), name=upload.name or "")
        except TextExtractionError as exc:
            raise AgreementError(str(exc)) from exc
    text = pasted.replace("\r\n", "\n").strip()
    if "<" in text[:5000] and ">" in text[:5000] and "</" in text:
        text = html_to_text(text)
    if not text:
        raise AgreementError("Paste the agreement's text, or choose a file.")
    try:
        return text_checked(text)
    except TextExtractionError as exc:
        raise AgreementError(str(exc)) from exc


def agreement_store(*, service: Service, text: str, today: datetime.date) -> dict:
    """Read ``text`` and keep it with its reading; raises AgreementError before any write."""
    try:
        reading = agreement_read(text).as_dict()
    except UnreadableAgreement as exc:
        raise AgreementError(str(exc)) from exc
    with transaction.atomic():
        service.agreement_text = text
        service.agreement_reading = reading
        if service.agreement_received != Answer.YES:
            service.agreement_received = Answer.YES
        service_save(service=service, today=today)
    return reading
