"""Benchmark: OCR of a scanned A4 page at 300 dpi, next to just rendering the page.

Usage: .venv/bin/python bench/ocr.py [--runs 2]

Prints, each measured in a fresh child process (so peak memory is the child's max RSS):
  - baseline: open the image-only PDF, render the page at 300 dpi with pypdfium2 and prepare it
    (grey, bounded, contrast) - everything but the OCR itself;
  - OCR: the same plus reading the page (`secondopinion.ocr.ocr_pdf`), seconds per page;
  - the engine loaded and idle (its models alone).
Then the character accuracy on pages rendered from known text: a clean page, a fax-like copy
(faint, blurred, noisy, turned 1.5 degrees) and the page on its side. Accuracy is
1 - edit distance / length, counted with spaces and without (the engine's models drop some
spaces; `spaces_restore` puts back those the page shows).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

A4_300DPI = (2480, 3508)
REPORT_LINES = [
    "SURGICAL PATHOLOGY REPORT",
    "Accession: S26-04417   Collected: 03/02/2026   Received: 03/02/2026",
    "Specimen: Left breast, lumpectomy with sentinel lymph node biopsy",
    "",
    "FINAL DIAGNOSIS",
    "A. Left breast, lumpectomy:",
    "   Invasive ductal carcinoma, Nottingham grade 2 (tubules 3, nuclei 2, mitoses 1).",
    "   Tumor size: 2.1 cm in greatest dimension.",
    "   Margins: Negative for carcinoma; closest margin (anterior) 4 mm.",
    "   Lymphovascular invasion: Not identified.",
    "   Ductal carcinoma in situ: Present, intermediate grade, 10% of tumor.",
    "B. Sentinel lymph nodes, left axilla, excision:",
    "   Lymph nodes: 0 of 3 sentinel lymph nodes positive for carcinoma (0/3).",
    "",
    "BIOMARKERS",
    "   Estrogen receptor: Positive (95%, strong intensity).",
    "   Progesterone receptor: Positive (60%, moderate intensity).",
    "   HER2 by IHC: Negative (score 1+).",
    "   Ki-67: 15%.",
    "",
    "Pathologic stage (AJCC 8th edition): pT2 pN0(sn)",
    "Electronically signed by the attending pathologist.",
]


def a4_page(*, size: int = 46):
    from tests.ocr.helpers import text_page

    return text_page("\n".join(REPORT_LINES), width=A4_300DPI[0], height=A4_300DPI[1], size=size)


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
mode, pdf, runs = sys.argv[2], sys.argv[3], int(sys.argv[4])
from secondopinion.ocr import reader
times = []
if mode == "engine":
    t = time.perf_counter(); reader.engine_get(); times.append(time.perf_counter() - t)
for _ in range(runs if mode != "engine" else 0):
    t = time.perf_counter()
    if mode == "render":
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(pdf); page = doc[0]
        w, h = page.get_size()
        scale = min(reader.RENDER_DPI / 72, reader.MAX_SIDE / max(w, h))
        image = page.render(scale=scale, grayscale=True).to_pil()
        reader.image_prepare(image); page.close(); doc.close()
    else:
        result = reader.ocr_pdf(pdf)
    times.append(time.perf_counter() - t)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "peak_mb": peak}))
"""


def child(mode: str, pdf: Path, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), mode, str(pdf), str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    from secondopinion.ocr import reader
    from tests.ocr.helpers import char_accuracy, fax, pdf_of

    page = a4_page()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "scan.pdf"
        pdf.write_bytes(pdf_of(page, resolution=300))
        print(f"A4 page {A4_300DPI[0]} x {A4_300DPI[1]} px (300 dpi), {len(REPORT_LINES)} lines")
        print(f"{'step':<34}{'s/page (best)':>14}{'peak RSS':>11}")
        rows = [
            ("engine loaded, idle", child("engine", pdf, 1)),
            ("baseline: render + prepare", child("render", pdf, args.runs)),
            ("OCR (render + prepare + read)", child("ocr", pdf, args.runs)),
        ]
        for name, data in rows:
            print(f"{name:<34}{min(data['times']):>13.2f}s{data['peak_mb']:>9.0f} MB")

    expected = "\n".join(line.strip() for line in REPORT_LINES if line.strip())
    variants = [
        ("clean", page),
        ("fax-like (faint, blur, noise, 1.5 deg)", fax(page, angle=1.5)),
        ("on its side (90 deg)", page.rotate(90, expand=True, fillcolor=255)),
    ]
    print(f"\n{'page':<40}{'accuracy':>9}{'no spaces':>11}{'seconds':>9}{'status':>12}")
    for name, image in variants:
        started = time.perf_counter()
        result = reader.page_read(image)
        seconds = time.perf_counter() - started
        with_spaces = char_accuracy(expected.replace(" ", "_"), result.text.replace(" ", "_"))
        without = char_accuracy(expected, result.text)
        print(f"{name:<40}{with_spaces:>9.3f}{without:>11.3f}{seconds:>9.1f}{result.status:>12}")


if __name__ == "__main__":
    main()
