"""Benchmark: build a packet from a ~600 MB DICOM CD plus a few PDFs, next to `zip -0 -r`.

Usage: .venv/bin/python bench/packet.py [--cd DIR] [--mb 600] [--runs 2]

Prints wall time and peak memory (max RSS of a fresh child process) for:
  - `zip -0 -r` of the same files (the baseline, same machine, same run),
  - `packet_write` (copy + SHA-256 check against the vault digest + manifest + SHA256SUMS),
and the same two again with the CD doubled, to show memory stays flat.

The CD comes from the records benchmark (`bench/make_cd.py` writes it under var/bench/); when it
is absent we write a similar one here with pydicom (CT-like 512x512 16-bit slices). Vault digests
are computed before timing, as the vault does at upload. Files are read once before timing so
both tools start from a warm page cache.
Targets (issue 5): within 1.3x of zip -0; peak memory under 150 MB and flat when the CD doubles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"


def find_cd() -> Path | None:
    """A CD written by bench/make_cd.py, if there is one (any folder under var/bench holding
    at least 100 MB of .dcm files or a DICOMDIR)."""
    if not VAR.exists():
        return None
    for candidate in sorted(VAR.iterdir()):
        if not candidate.is_dir() or candidate.name.startswith("packet-"):
            continue
        if (candidate / "DICOMDIR").exists() or any(candidate.rglob("*.dcm")):
            size = sum(p.stat().st_size for p in candidate.rglob("*") if p.is_file())
            if size > 100 * 1024 * 1024:
                return candidate
    return None


def make_cd(target: Path, megabytes: int) -> Path:
    """A synthetic CD: studies > series > CT slices, about `megabytes` MB in total."""
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    done = target / ".complete"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    slice_bytes = 512 * 512 * 2
    count = max(1, megabytes * 1024 * 1024 // slice_bytes)
    per_series = 150
    n = 0
    for study_no in range(1, 4):
        study_uid = generate_uid()
        for series_no in range(1, 4):
            series_uid = generate_uid()
            folder = target / f"STUDY{study_no}" / f"SERIES{series_no}"
            folder.mkdir(parents=True, exist_ok=True)
            for instance in range(1, per_series + 1):
                if n >= count:
                    break
                n += 1
                meta = FileMetaDataset()
                meta.MediaStorageSOPClassUID = CTImageStorage
                meta.MediaStorageSOPInstanceUID = generate_uid()
                meta.TransferSyntaxUID = ExplicitVRLittleEndian
                ds = Dataset()
                ds.file_meta = meta
                ds.SOPClassUID = CTImageStorage
                ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
                ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
                ds.PatientName, ds.PatientID = "Bench^Patient", "BENCH1"
                ds.Modality, ds.StudyDate = "CT", f"202603{study_no:02d}"
                ds.SeriesNumber, ds.InstanceNumber = series_no, instance
                ds.Rows = ds.Columns = 512
                ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
                ds.SamplesPerPixel, ds.PixelRepresentation = 1, 0
                ds.PhotometricInterpretation = "MONOCHROME2"
                ds.PixelData = rng.integers(0, 4096, (512, 512), dtype=np.uint16).tobytes()
                ds.save_as(folder / f"IM{instance:04d}.dcm", enforce_file_format=True)
    done.write_text(str(n))
    return target


def make_pdfs(target: Path) -> list[Path]:
    from secondopinion.opinions.pdfs import Letter, letter_pdf

    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, title in enumerate(["Pathology report", "CT report", "Clinic letter", "Lab results"]):
        path = target / f"{title}.pdf"
        body = [
            f"Paragraph {n} of the {title.lower()} used for the benchmark." * 8 for n in range(60)
        ]
        path.write_bytes(letter_pdf(Letter(title=title, paragraphs=body)))
        paths.append(path)
        del i
    return paths


def is_dicom(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(132)
    return head[128:132] == b"DICM"


def file_list(cd: Path, pdf_dir: Path, copies: int) -> list[dict]:
    """Plain data for the child: each file with the digest the vault would hold.

    Only DICOM files from the CD go in (the import keeps those and skips viewers and autorun
    files), once per copy; `rel` is where the zip baseline sees the same file.
    """
    items = [
        {
            "source": str(pdf),
            "rel": f"pdfs/{pdf.name}",
            "kind": "pathology_report",
            "title": pdf.stem,
            "study": "",
            "series": "",
        }
        for pdf in sorted(pdf_dir.glob("*.pdf"))
    ]
    dicoms = [
        p for p in sorted(cd.rglob("*")) if p.is_file() and p.name != "DICOMDIR" and is_dicom(p)
    ]
    for copy in range(copies):
        for dcm in dicoms:
            rel = dcm.relative_to(cd)
            study = f"Copy {copy + 1} " + (rel.parts[-3] if len(rel.parts) > 2 else "Study")
            series = rel.parts[-2] if len(rel.parts) > 1 else "Series"
            items.append(
                {
                    "source": str(dcm),
                    "rel": f"cd{copy + 1}/{rel}",
                    "kind": "imaging",
                    "title": dcm.name,
                    "study": study,
                    "series": series,
                }
            )
    for item in items:
        path = Path(item["source"])
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        item["sha256"] = digest.hexdigest()
        item["size"] = path.stat().st_size
    return items


def child_build(list_path: str, out: str, durable: str) -> None:
    from secondopinion.opinions.packet import GeneratedFile, SourceFile, packet_write
    from secondopinion.opinions.pdfs import Letter, letter_pdf

    items = json.loads(Path(list_path).read_text())
    files = [
        SourceFile(
            source=Path(i["source"]),
            size=i["size"],
            sha256=i["sha256"],
            kind=i["kind"],
            title=i["title"],
            study=i["study"],
            series=i["series"],
        )
        for i in items
    ]
    generated = [
        GeneratedFile(
            "00 Cover letter.pdf",
            letter_pdf(Letter(title="Cover letter", paragraphs=["Hello."])),
            "cover_letter",
            "Cover letter",
        ),
        GeneratedFile(
            "01 Case summary.pdf",
            letter_pdf(Letter(title="Case summary", paragraphs=["Summary."])),
            "case_summary",
            "Case summary",
        ),
    ]
    packet_write(out=Path(out), files=files, generated=generated, durable=durable == "1")


# A small fresh Python runs each measured command, so the child's peak RSS is not inflated by
# this (larger) process: Linux carries the parent's high-water mark into a forked child's
# ru_maxrss across exec. The launcher's own floor is a few MB, so tiny tools read a little high.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
print(time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode)
"""


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, started from a cold-ish disk
    state: dirty pages from the previous run are flushed first so runs do not tax each other."""
    subprocess.run(["sync"], check=True)
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], check=True, capture_output=True, text=True
    )
    wall, rss, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return float(wall), float(rss)


def warm(paths: list[str]) -> None:
    for p in paths:
        with open(p, "rb") as fh:
            while fh.read(1 << 20):
                pass


def measure(
    label: str, cd: Path, pdf_dir: Path, *, copies: int, runs: int, work: Path
) -> tuple[dict[str, float], dict[str, float]]:
    items = file_list(cd, pdf_dir, copies)
    total_mb = sum(i["size"] for i in items) / 1e6
    list_path = work / f"list-{copies}.json"
    list_path.write_text(json.dumps(items))
    # exactly the same files for zip: a tree of symlinks (zip stores what they point to)
    stage = work / f"stage-{copies}"
    shutil.rmtree(stage, ignore_errors=True)
    for item in items:
        link = stage / item["rel"]
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(item["source"])
    warm([i["source"] for i in items])
    zip_out, ours_out = work / "zip0.zip", work / "packet.zip"
    # Like for like: zip -0 never flushes to disk, packet_write does by default (fsync before the
    # rename). So each is timed both ways: zip -0 alone and followed by `sync`; packet_write with
    # durable=False and with the default durable=True.
    variants = {
        "zip -0 -r": ["sh", "-c", f"cd '{stage}' && zip -q -0 -r '{zip_out}' ."],
        "zip -0 -r; sync": ["sh", "-c", f"cd '{stage}' && zip -q -0 -r '{zip_out}' . && sync"],
        "packet_write": [sys.executable, __file__, "--child", str(list_path), str(ours_out), "0"],
        "packet_write durable": [
            sys.executable,
            __file__,
            "--child",
            str(list_path),
            str(ours_out),
            "1",
        ],
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    mems: dict[str, float] = dict.fromkeys(variants, 0.0)
    for _ in range(runs):
        for name, cmd in variants.items():
            zip_out.unlink(missing_ok=True)
            ours_out.unlink(missing_ok=True)
            t, m = run_child(cmd)
            times[name].append(t)
            mems[name] = max(mems[name], m)
    best = {k: min(v) for k, v in times.items()}
    print(f"{label}: {len(items)} files, {total_mb:.0f} MB")
    for name in variants:
        print(f"  {name:<22} {best[name]:6.2f} s  peak {mems[name]:6.1f} MB")
    print(
        f"  ratio packet_write / zip -0:            {best['packet_write'] / best['zip -0 -r']:.2f}x\n"
        f"  ratio durable / (zip -0; sync):         {best['packet_write durable'] / best['zip -0 -r; sync']:.2f}x"
    )
    zip_out.unlink(missing_ok=True)
    ours_out.unlink(missing_ok=True)
    return best, mems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cd", type=Path, help="folder of DICOM files (default: var/bench CD)")
    parser.add_argument("--mb", type=int, default=600, help="size of a generated CD")
    parser.add_argument("--runs", type=int, default=2, help="best of N runs each")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_build(*args.child)
        return
    if not shutil.which("zip"):
        raise SystemExit("Install Info-ZIP `zip` for the baseline (Debian: apt-get install zip).")
    cd = args.cd or find_cd()
    if cd is None:
        cd = make_cd(VAR / f"packet-cd-{args.mb}mb", args.mb)
        print(f"CD: generated {cd} (no bench/make_cd.py output found)")
    else:
        print(f"CD: {cd}")
    work = VAR / "packet-work"
    work.mkdir(parents=True, exist_ok=True)
    pdf_dir = work / "pdfs"
    make_pdfs(pdf_dir)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {args.runs} runs; peak = max RSS"
    )
    t1, m1 = measure("CD", cd, pdf_dir, copies=1, runs=args.runs, work=work)
    t2, m2 = measure("CD x2", cd, pdf_dir, copies=2, runs=args.runs, work=work)
    key = "packet_write durable"
    print(
        f"when the CD doubles: peak memory {m2[key] - m1[key]:+.1f} MB, time {t2[key] / t1[key]:.2f}x"
    )


if __name__ == "__main__":
    main()
