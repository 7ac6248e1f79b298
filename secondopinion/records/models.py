"""The records vault: documents, imaging studies from CDs, and the imports that bring them in.

Files live in the default storage under server-generated names; the rows keep the SHA-256 computed
while the bytes were written, so duplicates, packets and integrity checks never re-hash.
"""

from __future__ import annotations

import uuid
from typing import Self

from django.db import models

from secondopinion.records.detect import DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES


class TextStatus(models.TextChoices):
    NONE = "none", "No text to extract"
    PENDING = "pending", "Reading the text"
    DONE = "done", "Text read"
    FAILED = "failed", "Could not read the text"


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    created_at = models.DateTimeField(auto_now_add=True)

    doc_type = models.CharField("Type of record", max_length=30, choices=DOCUMENT_TYPES)
    type_confirmed = models.BooleanField(default=False)
    suggested_type = models.CharField(max_length=30, choices=DOCUMENT_TYPES, blank=True)
    document_date = models.DateField("Date on the record", null=True, blank=True)
    suggested_date = models.DateField(null=True, blank=True)
    institution = models.CharField("Where it came from", max_length=200, blank=True)
    notes = models.TextField("Notes", max_length=2000, blank=True)

    original_name = models.CharField(max_length=255)  # already made safe to display
    stored_name = models.CharField(max_length=255, unique=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)  # pdf, image, dicom, office, text
    # A PDF that carried active content (scripts, actions, forms, attachments): `stored_name` is
    # the disarmed copy everybody opens; the upload as it came is kept here, private to the
    # vault (never offered for download, never put in a packet). Empty when nothing was removed.
    kept_original_name = models.CharField(max_length=255, blank=True)
    kept_original_sha256 = models.CharField(max_length=64, blank=True)
    kept_original_size = models.BigIntegerField(default=0)
    active_removed = models.CharField(max_length=300, blank=True)  # plain words: what went

    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=10, choices=TextStatus.choices, default=TextStatus.NONE
    )
    # "ocr" when the text was read from a scan (no text layer): every fact from it needs checking.
    text_source = models.CharField(max_length=10, blank=True)
    text_note = models.CharField(max_length=300, blank=True)  # plain words: pages not read, ...
    # "code" when the type came from the record's own code (a LOINC document code in a portal
    # download): reading the text does not replace it with a guess from the words.
    type_source = models.CharField(max_length=10, blank=True)
    text_pages_done = models.PositiveSmallIntegerField(default=0)  # OCR progress
    text_pages_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-document_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="records_document_unique_bytes")
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def type_label(self) -> str:
        return DOCUMENT_TYPE_LABELS.get(self.doc_type, "Other")


class ImportRun(models.Model):
    """What a CD import and a portal import both keep: where it came from, when, how it went,
    what it added and what it warned about. Each says its own statuses, case link and details."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=255)
    # The stored upload (a ZIP, a portal download) while it waits to be imported; removed after.
    upload_name = models.CharField(max_length=255, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # what the import added (CLI shape)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    status: str  # each import's own field, with its own choices (a portal import can wait)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_active(self) -> bool:
        return self.status in ("queued", "running")

    @classmethod
    def queued_for_run(cls, pk: int) -> Self | None:
        """The import a task should run now, or None: it already ran (tasks may be delivered
        twice), or its upload is gone (then it is marked failed, saying so)."""
        run = cls._default_manager.select_related("case").filter(pk=pk).first()
        if run is None or run.status != "queued":
            return None
        if not run.upload_name:
            cls._default_manager.filter(pk=pk).update(
                status="failed", error="The uploaded file is no longer there."
            )
            return None
        return run


class DiscImport(ImportRun):
    """One imaging CD (a ZIP upload or a folder) being brought into the vault."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped with a problem"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="disc_imports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)

    class Meta(ImportRun.Meta):
        pass

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(self.bytes_done * 100 / self.bytes_total))


class ImagingStudyQuerySet(models.QuerySet):
    def visible(self) -> ImagingStudyQuerySet:
        """Studies the pages may show: not those of a CD import still being written (or one
        that failed), which become visible all at once when the import is done."""
        return self.filter(
            models.Q(disc_import__isnull=True)
            | models.Q(disc_import__status=DiscImport.Status.DONE)
        )


class ImagingStudy(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="imaging_studies")
    disc_import = models.ForeignKey(
        DiscImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="studies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    study_uid = models.CharField(max_length=64)
    study_date = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    modalities = models.CharField(max_length=100, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    accession_number = models.CharField(max_length=64, blank=True)
    patient_name = models.CharField(max_length=200, blank=True)
    patient_id = models.CharField(max_length=64, blank=True)
    patient_birth_date = models.CharField(max_length=8, blank=True)
    image_count = models.PositiveIntegerField(default=0)

    objects = ImagingStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-study_date", "description"]
        verbose_name_plural = "imaging studies"
        constraints = [
            models.UniqueConstraint(fields=["case", "study_uid"], name="records_study_unique_uid")
        ]

    def __str__(self) -> str:
        return self.description or "Imaging study"


class ImagingSeries(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey(ImagingStudy, on_delete=models.CASCADE, related_name="series")
    series_uid = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    modality = models.CharField(max_length=16, blank=True)
    body_part = models.CharField(max_length=64, blank=True)
    number = models.IntegerField(null=True, blank=True)
    image_count = models.PositiveIntegerField(default=0)
    preview_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["number", "description"]
        verbose_name_plural = "imaging series"
        constraints = [
            models.UniqueConstraint(
                fields=["study", "series_uid"], name="records_series_unique_uid"
            )
        ]

    def __str__(self) -> str:
        return self.description or "Series"


class ImagingInstance(models.Model):
    """One DICOM file, kept byte for byte as it was on the disc."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(ImagingSeries, on_delete=models.CASCADE, related_name="instances")
    sop_instance_uid = models.CharField(max_length=64)
    instance_number = models.IntegerField(null=True, blank=True)
    original_path = models.CharField(max_length=500)
    stored_name = models.CharField(max_length=255, unique=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sop_instance_uid"], name="records_instance_unique_uid"
            )
        ]

    def __str__(self) -> str:
        return self.sop_instance_uid


# The same rule as `ImagingStudyQuerySet.visible`, for queries on images.
INSTANCE_VISIBLE = models.Q(series__study__disc_import__isnull=True) | models.Q(
    series__study__disc_import__status=DiscImport.Status.DONE
)


class PortalImport(ImportRun):
    """One download from a patient portal (C-CDA, XDM ZIP, FHIR) being read into the case.

    Nothing it reads is visible until it is done: every row (documents included) is written in
    the final transaction. A download naming someone else waits for the patient's decision
    (status `check`) before anything is written.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Reading your records"
        CHECK = "check", "Waiting for your decision"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped with a problem"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="portal_imports")
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The patient said "these are my records" after the warnings (or --confirm-patient).
    patient_confirmed = models.BooleanField(default=False)

    class Meta(ImportRun.Meta):
        pass


class PortalItem(models.Model):
    """One thing read from a portal download: a condition, medicine, procedure, observation
    (staging, tumour marker) or document, with where it came from (file and FHIR resource id or
    CDA path). `identity` makes the same item from a later download recognised, not added."""

    class Kind(models.TextChoices):
        CONDITION = "condition", "Condition"
        MEDICATION = "medication", "Medicine"
        PROCEDURE = "procedure", "Procedure"
        OBSERVATION = "observation", "Result"
        DOCUMENT = "document", "Document"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="portal_items")
    portal_import = models.ForeignKey(
        PortalImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="portal_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=300)
    code = models.CharField(max_length=64, blank=True)
    system = models.CharField(max_length=60, blank=True)  # SNOMED CT, ICD-10-CM, RxNorm, LOINC
    # Observations: the pathology fact field (pT, stage_group, er, ...) and the value.
    field = models.CharField(max_length=30, blank=True)
    value = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    cancer = models.BooleanField(default=False)  # a condition recognised as a cancer
    cancer_type = models.CharField(max_length=30, blank=True)  # cases.cancer_types code
    # Procedures: surgery, radiation, other. Medicines: the drug table's modality.
    category = models.CharField(max_length=30, blank=True)
    cancer_drug = models.CharField(max_length=100, blank=True)  # generic name, when a cancer drug
    source_file = models.CharField(max_length=300, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)
    identity = models.CharField(max_length=300)

    class Meta:
        ordering = ["kind", "date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "identity"], name="records_portal_item_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_label(self) -> str:
        """The kind of treatment in plain words (procedures and cancer medicines)."""
        return CATEGORY_WORDS.get(self.category, self.category)


CATEGORY_WORDS = {
    "surgery": "surgery",
    "radiation": "radiation therapy",
    "other": "other procedure",
    "chemotherapy": "chemotherapy",
    "endocrine": "hormone therapy",
    "targeted": "targeted therapy",
    "immunotherapy": "immunotherapy",
    "antibody-drug conjugate": "antibody-drug conjugate (a targeted medicine carrying chemotherapy)",
    "radiopharmaceutical": "radioactive medicine",
    "supportive": "supportive care",
}
