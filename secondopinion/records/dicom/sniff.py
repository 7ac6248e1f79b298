"""Is this file DICOM? Decided from its first bytes, never from its name. No Django here."""

from __future__ import annotations

PREAMBLE = 128
HEAD_BYTES = 512
EXECUTABLE_MAGICS = (
    b"MZ",  # Windows / DOS programs
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O (both endians, 32 and 64 bit)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # scripts
)


def dicom_sniff(head: bytes) -> str:
    """Classify a file by its first bytes (pass at least 132, ideally 512).

    Returns "dicom" (marker present), "bare" (no preamble, but the first element looks like
    DICOM: confirm with `header_read`), "executable" (DICOM marker behind a program header) or
    "other".
    """
    if len(head) >= PREAMBLE + 4 and head[PREAMBLE : PREAMBLE + 4] == b"DICM":
        if head.startswith(EXECUTABLE_MAGICS):
            return "executable"
        return "dicom"
    if _looks_like_bare_dicom(head):
        return "bare"
    return "other"


def _looks_like_bare_dicom(head: bytes) -> bool:
    # Files written without preamble start directly with an element: group 0x0002 (file meta)
    # or 0x0008 (identifying information), little or big endian, with a small element number.
    if len(head) < 8:
        return False
    group_le = int.from_bytes(head[0:2], "little")
    group_be = int.from_bytes(head[0:2], "big")
    element_le = int.from_bytes(head[2:4], "little")
    element_be = int.from_bytes(head[2:4], "big")
    return (group_le in (0x0002, 0x0008) and element_le < 0x0100) or (
        group_be == 0x0008 and element_be < 0x0100
    )
