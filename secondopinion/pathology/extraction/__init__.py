"""The pathology report extractor, by concern. `extract` is the entry point; see docs/pathology.md."""
