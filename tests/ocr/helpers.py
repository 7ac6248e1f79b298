"""Pages rendered from known text, for OCR tests and the benchmark (no files checked in)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPORT = """SURGICAL PATHOLOGY REPORT
Specimen: Left breast, lumpectomy
Diagnosis: Invasive ductal carcinoma, Nottingham grade 2
Estrogen receptor: Positive (95%)
HER2 by IHC: Negative (1+)
Pathologic stage: pT2 pN0"""


def text_page(text: str = REPORT, *, width: int = 900, height: int = 420, size: int = 24):
    """Black text on a white page (a PIL image in grey)."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size)
    y = size * 2
    for line in text.split("\n"):
        draw.text((size * 2, y), line, fill=0, font=font)
        y += int(size * 1.7)
    return image


def fax(image, *, seed: int = 1, angle: float = 1.5, ink: int = 190, paper: int = 245):
    """A faint, blurred, noisy, slightly crooked copy: what a fax or a poor scan looks like."""
    crooked = image.rotate(angle, fillcolor=255, resample=Image.Resampling.BICUBIC)
    a = np.asarray(crooked.filter(ImageFilter.GaussianBlur(1.0))).astype(float) / 255
    a = ink + a * (paper - ink) + np.random.default_rng(seed).normal(0, 8, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype("uint8"))


def pdf_of(*images, resolution: float = 150.0) -> bytes:
    """An image-only PDF (no text layer), one page per image."""
    out = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(out, format="PDF", resolution=resolution, save_all=True, append_images=rest)
    return out.getvalue()


def png_of(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def char_accuracy(expected: str, got: str) -> float:
    """1 - edit distance / length, ignoring spaces (the engine drops some between words)."""
    a = "".join(expected.split())
    b = "".join(got.split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return max(0.0, 1 - previous[-1] / max(len(a), 1))
