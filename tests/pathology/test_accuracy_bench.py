"""bench/pathology_accuracy.py prints throughput for the extractor and the baseline alike."""

import json
import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_the_baseline_throughput_next_to_ours(tmp_path, monkeypatch, capsys):
    rows = [
        {"id": "a", "text": "Pathologic stage: pT2 pN0.", "labels": {"T": "T2", "N": "N0"}},
        {"id": "b", "text": "Tumor invades muscularis propria.", "labels": {"T": "T2"}},
    ]
    data = tmp_path / "dev.jsonl"
    data.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    bench = runpy.run_path(str(ROOT / "bench" / "pathology_accuracy.py"), run_name="bench")
    monkeypatch.setattr("sys.argv", ["pathology_accuracy.py", "--jsonl", str(data)])

    assert bench["main"]() == 0

    lines = capsys.readouterr().out.splitlines()
    per_second = r": \d+ reports per CPU-second on one core \(\d+/s wall clock, [\d.]+ s\)$"
    assert re.match("throughput" + per_second, lines[1])
    assert re.match("baseline throughput" + per_second, lines[2])
