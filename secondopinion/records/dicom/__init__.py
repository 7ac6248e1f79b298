"""DICOM, the format of medical images: find the files by their content, read their headers,
index a disc's studies, match who they belong to, and draw previews. No Django here.

An imaging CD holds thousands of files, often without extensions, next to a DICOMDIR, a viewer
program and autorun files. We never trust names: a file is DICOM when its bytes say so.

- `sniff.dicom_sniff(head)` looks at the first bytes: the "DICM" marker after the 128-byte
  preamble, or, for files written without the preamble, a first element that looks like DICOM
  group 0002/0008. A preamble holding a program header (Windows "MZ", Linux ELF, macOS Mach-O) is
  flagged: such a file can be both a valid image and a runnable program, so it is refused.
- `headers.header_read(path)` reads the header only (never the pixel data) through a reader that
  cannot be made to allocate more than the file holds, and turns any parsing failure into
  `DicomProblem`; `fast.fast_header` reads the usual files straight from their first 64 KB.
- `index.DiscIndex` collects studies -> series -> instances and what was skipped.
- `identity.patient_warnings(...)` says loudly when studies belong to different people.
- `previews.preview_png(path)` renders one slice as a small PNG, or returns None when it cannot
  (for example a compressed transfer syntax this machine has no decoder for). It never raises.
"""
