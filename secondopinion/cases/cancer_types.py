"""The controlled list of cancer types a case can name.

Each type carries the MeSH heading (Medical Subject Headings, the National Library of Medicine's
vocabulary) used later to search PubMed for a doctor's work on this cancer, and a few plain words
(`search_words`) for ClinicalTrials.gov condition matching. Codes are stable: they are stored in the
database and used on the command line (`--cancer breast`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CancerType:
    code: str
    label: str
    mesh: str
    search_words: tuple[str, ...] = ()


CANCER_TYPES: tuple[CancerType, ...] = (
    CancerType("breast", "Breast cancer", "Breast Neoplasms", ("breast",)),
    CancerType("prostate", "Prostate cancer", "Prostatic Neoplasms", ("prostate",)),
    CancerType(
        "lung_nsclc",
        "Lung cancer (non-small cell)",
        "Carcinoma, Non-Small-Cell Lung",
        ("non-small cell lung", "nsclc", "lung"),
    ),
    CancerType(
        "lung_sclc",
        "Lung cancer (small cell)",
        "Small Cell Lung Carcinoma",
        ("small cell lung", "sclc", "lung"),
    ),
    CancerType(
        "colorectal",
        "Colon or rectal cancer",
        "Colorectal Neoplasms",
        ("colorectal", "colon", "rectal"),
    ),
    CancerType("anal", "Anal cancer", "Anus Neoplasms", ("anal",)),
    CancerType("pancreas", "Pancreatic cancer", "Pancreatic Neoplasms", ("pancrea",)),
    CancerType("liver", "Liver cancer", "Liver Neoplasms", ("liver", "hepatocellular")),
    CancerType(
        "bile_duct",
        "Bile duct cancer (cholangiocarcinoma)",
        "Cholangiocarcinoma",
        ("cholangiocarcinoma", "bile duct", "biliary"),
    ),
    CancerType("gallbladder", "Gallbladder cancer", "Gallbladder Neoplasms", ("gallbladder",)),
    CancerType("stomach", "Stomach (gastric) cancer", "Stomach Neoplasms", ("gastric", "stomach")),
    CancerType("esophagus", "Esophageal cancer", "Esophageal Neoplasms", ("esophag",)),
    CancerType(
        "gist",
        "Gastrointestinal stromal tumor (GIST)",
        "Gastrointestinal Stromal Tumors",
        ("gastrointestinal stromal", "gist"),
    ),
    CancerType(
        "neuroendocrine",
        "Neuroendocrine tumor",
        "Neuroendocrine Tumors",
        ("neuroendocrine", "carcinoid"),
    ),
    CancerType("melanoma", "Melanoma", "Melanoma", ("melanoma",)),
    CancerType("merkel", "Merkel cell carcinoma", "Carcinoma, Merkel Cell", ("merkel",)),
    CancerType(
        "skin_other",
        "Other skin cancer",
        "Skin Neoplasms",
        ("skin", "squamous cell carcinoma of skin", "basal cell"),
    ),
    CancerType("bladder", "Bladder cancer", "Urinary Bladder Neoplasms", ("bladder", "urothelial")),
    CancerType("kidney", "Kidney cancer", "Kidney Neoplasms", ("kidney", "renal")),
    CancerType(
        "testicular", "Testicular cancer", "Testicular Neoplasms", ("testicular", "germ cell")
    ),
    CancerType("penile", "Penile cancer", "Penile Neoplasms", ("penile",)),
    CancerType("thyroid", "Thyroid cancer", "Thyroid Neoplasms", ("thyroid",)),
    CancerType(
        "head_neck",
        "Head and neck cancer",
        "Head and Neck Neoplasms",
        ("head and neck", "oropharyn", "laryn", "oral"),
    ),
    CancerType(
        "brain",
        "Brain tumor (including glioma)",
        "Brain Neoplasms",
        ("brain", "glioma", "glioblastoma"),
    ),
    CancerType(
        "endometrial",
        "Uterine (endometrial) cancer",
        "Endometrial Neoplasms",
        ("endometri", "uterine"),
    ),
    CancerType("cervical", "Cervical cancer", "Uterine Cervical Neoplasms", ("cervical", "cervix")),
    CancerType(
        "ovarian", "Ovarian cancer", "Ovarian Neoplasms", ("ovarian", "fallopian", "peritoneal")
    ),
    CancerType("vulvar", "Vulvar cancer", "Vulvar Neoplasms", ("vulvar",)),
    CancerType("sarcoma", "Soft tissue sarcoma", "Sarcoma", ("sarcoma",)),
    CancerType("bone", "Bone cancer", "Bone Neoplasms", ("osteosarcoma", "ewing", "bone")),
    CancerType("mesothelioma", "Mesothelioma", "Mesothelioma", ("mesothelioma",)),
    CancerType("hodgkin", "Hodgkin lymphoma", "Hodgkin Disease", ("hodgkin",)),
    CancerType(
        "nhl",
        "Non-Hodgkin lymphoma",
        "Lymphoma, Non-Hodgkin",
        ("non-hodgkin", "lymphoma", "dlbcl", "follicular"),
    ),
    CancerType("myeloma", "Multiple myeloma", "Multiple Myeloma", ("myeloma",)),
    CancerType(
        "aml", "Acute myeloid leukemia (AML)", "Leukemia, Myeloid, Acute", ("acute myeloid", "aml")
    ),
    CancerType(
        "all",
        "Acute lymphoblastic leukemia (ALL)",
        "Precursor Cell Lymphoblastic Leukemia-Lymphoma",
        ("acute lymphoblastic", "all"),
    ),
    CancerType(
        "cll",
        "Chronic lymphocytic leukemia (CLL)",
        "Leukemia, Lymphocytic, Chronic, B-Cell",
        ("chronic lymphocytic", "cll"),
    ),
    CancerType(
        "cml",
        "Chronic myeloid leukemia (CML)",
        "Leukemia, Myelogenous, Chronic, BCR-ABL Positive",
        ("chronic myeloid", "cml"),
    ),
    CancerType(
        "mds",
        "Myelodysplastic syndrome (MDS)",
        "Myelodysplastic Syndromes",
        ("myelodysplastic", "mds"),
    ),
    CancerType(
        "unknown_primary",
        "Cancer of unknown primary",
        "Neoplasms, Unknown Primary",
        ("unknown primary",),
    ),
    CancerType("other", "Other or not sure", "", ()),
)

BY_CODE: dict[str, CancerType] = {c.code: c for c in CANCER_TYPES}
CHOICES: list[tuple[str, str]] = [(c.code, c.label) for c in CANCER_TYPES]


def cancer_type(code: str) -> CancerType:
    """The type for `code`; KeyError names the unknown code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"Unknown cancer type {code!r}. Known: {', '.join(BY_CODE)}") from None


# First words that are names and keep their capital in the middle of a sentence.
_PROPER_FIRST_WORDS = {"Hodgkin", "Merkel", "Ewing", "Kaposi", "Wilms", "Burkitt"}


def cancer_in_sentence(label: str) -> str:
    """'Breast cancer' -> 'breast cancer'; 'Hodgkin lymphoma' and 'CLL' keep their capitals."""
    label = " ".join(label.split())
    if not label:
        return ""
    first = label.split()[0]
    if first in _PROPER_FIRST_WORDS or first.isupper() or (len(first) > 1 and first[1].isupper()):
        return label
    return label[0].lower() + label[1:]
