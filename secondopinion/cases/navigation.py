"""The links along the top of every case page. Apps add their section here, in journey order."""

CASE_SECTIONS: list[tuple[str, str]] = [
    ("Overview", "cases:detail"),
    ("About the case", "cases:edit"),
    ("Timeline", "cases:timeline"),
    ("Goals", "cases:goals"),
    ("Services", "providers:list"),
    ("Doctor research", "doctors:list"),
    ("Records", "records:index"),
    ("Pathology", "pathology:summary"),
    ("Send and receive", "opinions:home"),
]
