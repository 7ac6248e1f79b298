"""Wording for every field other than T, N and M: grade, margins, markers, histology, procedures.

Data only, read by ``glossary.explain()``. The review rule in ``glossary.py`` applies to every
sentence here. Pure module: no Django.
"""

from __future__ import annotations

GRADE_SYSTEMS = {
    "Nottingham": "The Nottingham grade is used for breast cancer. It adds up scores for how well "
    "glands form, how odd the cell centers look, and how fast cells divide. Grade 1 "
    "looks most like normal tissue. Grade 3 looks least like it and tends to grow "
    "faster.",
    "ISUP/WHO": "The WHO/ISUP grade is used for kidney cancer. Grades 1 to 3 go by how well you "
    "can see the small dots (nucleoli) in each cell's center. Grade 4 means very "
    "odd cells, such as sarcomatoid or rhabdoid ones.",
    "Fuhrman": "The Fuhrman grade is an older system for kidney cancer. The WHO/ISUP grade has "
    "replaced it. It goes by the size and shape of the cell centers, from 1 to 4. "
    "Higher grades tend to grow faster.",
    "FIGO": "The FIGO grade is used for cancer of the womb lining. It goes by how much of "
    "the tumor grows in solid sheets, not glands. Grade 1 has the least. Grade 3 "
    "has the most.",
    "WHO": "The WHO grade (used for brain tumors and some others) runs from 1 to 4; higher "
    "grades grow faster.",
}

GRADE_VALUES = {
    "1": "Grade 1 (low grade, well differentiated): the cancer cells look much like "
    "normal cells. They often grow slowly.",
    "2": "Grade 2 (middle grade, moderately differentiated). The cancer cells look a bit "
    "unlike normal cells. They are between grade 1 and grade 3.",
    "3": "Grade 3 (high grade, poorly differentiated): the cancer cells look very "
    "different from normal cells. They often grow faster.",
    "4": "Grade 4 (undifferentiated): the cancer cells look very odd. They look little "
    "like normal tissue.",
    "1-2": "Grade 1-2: a low-grade tumor, between grade 1 and grade 2.",
    "2-3": "Grade 2-3: between intermediate and high grade.",
    "3-4": "Grade 3-4: a high-grade tumor.",
    "X": "The grade could not be assessed.",
    "low": "Low grade: the cancer cells look closer to normal cells and usually grow more slowly.",
    "high": "High grade: the cancer cells look very abnormal and usually grow faster.",
    "intermediate": "Intermediate grade: between low and high grade.",
}

SIMPLE: dict[str, dict[str, str]] = {
    "margins": {
        "clear": "Clear (negative) margins: no cancer cells were seen at the inked edge of the "
        "removed tissue. How much distance is enough differs by cancer and type.",
        "close": "Close margin: no cancer cells were at the edge, but cancer came near it. What "
        "counts as close differs by cancer type.",
        "involved": "Involved (positive) margin. Cancer cells reach the inked edge of the tissue. "
        "So some cancer may have been left behind.",
        "cannot be assessed": "The margins could not be assessed, for example because the tissue "
        "came in pieces.",
    },
    "lvi": {
        "present": "Lymphovascular invasion present. Cancer cells were seen inside small blood "
        "vessels or lymph channels near the tumor.",
        "absent": "No lymphovascular invasion. No cancer cells were seen inside small blood "
        "vessels or lymph channels.",
        "indeterminate": "The pathologist could not tell for sure whether cancer cells were "
        "inside small blood vessels or lymph channels.",
    },
    "pni": {
        "present": "Perineural invasion present: cancer cells were seen growing along or around "
        "a nerve.",
        "absent": "No perineural invasion: cancer cells were not seen growing along nerves.",
        "indeterminate": "The pathologist could not tell for sure whether cancer cells were "
        "growing along nerves.",
    },
    "ene": {
        "present": "Extranodal extension present. Cancer in a lymph node has grown through the "
        "node's outer skin into the tissue around it.",
        "absent": "No extranodal extension. Any cancer in the lymph nodes stayed inside the "
        "node's outer skin.",
        "indeterminate": "The pathologist could not tell for sure whether cancer had grown "
        "through a lymph node's capsule.",
    },
    "focality": {
        "unifocal": "Unifocal: there is a single tumor.",
        "multifocal": "Multifocal: there is more than one separate tumor in the organ.",
    },
    "laterality": {
        "left": "The tumor is on the left side of the body.",
        "right": "The tumor is on the right side of the body.",
        "bilateral": "Tumor is present on both sides.",
        "midline": "The tumor is in the middle of the body.",
    },
    "er": {
        "positive": "ER-positive. The cancer cells have receptors for the hormone estrogen. So "
        "estrogen can help them grow. Hormone treatments can target this.",
        "low positive": "ER-low positive. Only 1% to 10% of cancer cells have estrogen receptors. These "
        "tumors can act more like ER-negative ones.",
        "negative": "ER-negative. Fewer than 1 in 100 of the cancer cells have estrogen receptors. "
        "So the cells do not use this hormone to grow.",
        "equivocal": "The report calls the estrogen receptor result unclear. Current guidelines "
        "do not use this word for ER, so ask the lab what it means.",
    },
    "pr": {
        "positive": "PR-positive. The cancer cells have receptors for the hormone progesterone. So "
        "this hormone can help them grow.",
        "low positive": "Only 1% to 10% of cancer cells have progesterone receptors. The "
        "guidelines use the group low positive for ER only; for PR this counts as positive.",
        "negative": "PR-negative. Fewer than 1 in 100 of the cancer cells have progesterone "
        "receptors. That is less than 1%.",
        "equivocal": "The report calls the progesterone receptor result unclear. Current "
        "guidelines do not use this word for PR, so ask the lab what it means.",
    },
    "her2": {
        "positive": "HER2-positive: the cancer cells make too much of the HER2 protein (IHC 3+) "
        "or have extra copies of the HER2 gene (ISH amplified). Treatments exist that target HER2.",
        "negative": "HER2-negative. The cancer cells do not make too much HER2 protein. The test "
        "score was IHC 0 or 1+, or 2+ with no extra gene copies.",
        "equivocal": "HER2 equivocal (IHC 2+): the protein test was borderline. A gene test "
        "(ISH) is used to decide whether it is positive or negative.",
        "low": "HER2-low. There is some HER2 protein (IHC 1+, or 2+ with no extra gene "
        "copies). This can matter for some newer treatments.",
    },
    "mmr": {
        "proficient": "Mismatch repair proficient (pMMR). All four repair proteins (MLH1, PMS2, MSH2, "
        "MSH6) are there. So this DNA repair system seems to work.",
        "deficient": "Mismatch repair deficient (dMMR). At least one of the DNA repair proteins is "
        "missing. This can matter for treatment. It may point to an inherited condition "
        "(Lynch syndrome), which other tests can check.",
    },
    "msi": {
        "MSS": "Microsatellite stable (MSS). There is no sign of the DNA repair fault that "
        "causes microsatellite instability.",
        "MSI-L": "Low microsatellite instability (MSI-L): a few changes. It is grouped with "
        "microsatellite stable (MSS).",
        "MSI-H": "High microsatellite instability (MSI-H). The tumor has many changes in short, "
        "repeated bits of DNA. A fault in DNA repair causes them.",
    },
}

HISTOLOGY = {
    "invasive ductal carcinoma": "The most common type of breast cancer. It starts in a milk duct "
    "and has grown into the breast tissue around it. Also called invasive carcinoma of no "
    "special type.",
    "invasive lobular carcinoma": "A type of breast cancer that starts in the milk-making glands "
    "(lobules) and has grown into the breast tissue around them. It often grows in single lines "
    "of cells.",
    "ductal carcinoma in situ": "Abnormal cells inside the milk ducts that have not grown into "
    "the breast tissue around them (DCIS). It is not invasive cancer.",
    "lobular carcinoma in situ": "Abnormal cells inside the lobules of the breast (LCIS). It is "
    "not invasive cancer; it is a sign of higher risk.",
    "clear cell renal cell carcinoma": "The most common type of kidney cancer. Under the "
    "microscope its cells often look clear.",
    "papillary renal cell carcinoma": "A type of kidney cancer whose cells grow in small "
    "finger-like shapes (papillae).",
    "chromophobe renal cell carcinoma": "A less common type of kidney cancer that often grows "
    "slowly.",
    "renal cell carcinoma": "Cancer that starts in the lining of the small tubes of the kidney.",
    "hepatocellular carcinoma": "Cancer that starts in the main cells of the liver.",
    "cholangiocarcinoma": "Cancer that starts in the bile ducts.",
    "papillary thyroid carcinoma": "The most common type of thyroid cancer. It is known by "
    "the look of its cell nuclei. It usually grows slowly.",
    "papillary carcinoma": "A cancer whose cells grow in finger-like shapes (papillae). In the "
    "thyroid it is the most common type of cancer.",
    "follicular thyroid carcinoma": "A type of thyroid cancer that grows in small round "
    "structures (follicles).",
    "urothelial carcinoma": "Cancer that starts in the cells lining the bladder and urinary "
    "tract (the urothelium). It is the most common type of bladder cancer.",
    "endometrioid adenocarcinoma": "The most common type of cancer of the lining of the womb. Its "
    "glands look like those of the normal lining.",
    "serous carcinoma": "A type of cancer, often of the ovary, tube or womb lining, that is "
    "usually high grade.",
    "acinar adenocarcinoma of the prostate": "The usual type of prostate cancer. It starts in the "
    "gland cells of the prostate.",
    "squamous cell carcinoma": "Cancer that starts in squamous cells, the flat cells that line "
    "surfaces such as the skin, the airways or the throat.",
    "non-small cell carcinoma": "The larger group of lung cancers. It has many types. Two of them are "
    "adenocarcinoma and squamous cell carcinoma.",
    "small cell carcinoma": "A fast-growing type of cancer, most often of the lung, made of "
    "small cells.",
    "large cell carcinoma": "A type of lung cancer made of large cells. They do not look like "
    "adenocarcinoma or squamous cell carcinoma.",
    "mucinous adenocarcinoma": "A gland cancer that makes a lot of mucus.",
    "adenocarcinoma": "Cancer that starts in gland cells, the cells that make fluids such as "
    "mucus.",
    "melanoma in situ": "Melanoma cells only in the top layer of the skin (epidermis). It has "
    "not grown deeper.",
    "melanoma": "Cancer that starts in melanocytes, the cells that give skin its color.",
    "diffuse large B-cell lymphoma": "A fast-growing lymphoma of B cells (a kind of white blood "
    "cell). It is the most common type of lymphoma in adults.",
    "follicular lymphoma": "A lymphoma of B cells that often grows slowly. The cells grow in round "
    "clusters (follicles).",
    "Hodgkin lymphoma": "A lymphoma known by its large abnormal cells called Reed-Sternberg cells.",
    "lymphoma": "Cancer of the lymphocytes, a kind of white blood cell.",
    "glioblastoma": "A fast-growing brain tumor that starts in glial cells (WHO grade 4).",
    "carcinoma in situ": "Abnormal cells in a lining that have not grown into the tissue below.",
    "carcinoma": "Cancer that starts in the cells that line organs and surfaces (epithelial "
    "cells).",
}

PROCEDURES = {
    "radical prostatectomy": "surgery that removes the whole prostate and the seminal vesicles",
    "modified radical mastectomy": "surgery that removes the whole breast and the lymph nodes "
    "under the arm",
    "mastectomy": "surgery that removes the whole breast",
    "lumpectomy": "surgery that takes out the tumor with a rim of normal tissue. The rest of the "
    "breast is kept. It is also called a partial mastectomy",
    "radical nephrectomy": "surgery that removes the whole kidney, often with the fat around it",
    "partial nephrectomy": "surgery that removes the tumor and part of the kidney, keeping the "
    "rest",
    "nephrectomy": "surgery that removes a kidney",
    "radical cystectomy": "surgery that removes the whole bladder and nearby organs",
    "cystectomy": "surgery that removes all or part of the bladder",
    "transurethral resection": "taking out tissue through a tube passed up the urethra, with no cut in the "
    "skin. It is done for a bladder tumor (TURBT) or the prostate (TURP)",
    "total thyroidectomy": "surgery that removes the whole thyroid gland",
    "thyroid lobectomy": "surgery that removes one half (lobe) of the thyroid gland",
    "thyroidectomy": "surgery that removes all or part of the thyroid gland",
    "lobectomy": "surgery that removes one lobe of an organ, such as a lobe of the lung",
    "pneumonectomy": "surgery that removes a whole lung",
    "wedge resection": "surgery that removes a small wedge-shaped piece of the lung",
    "hemicolectomy": "surgery that removes one side of the colon",
    "colectomy": "surgery that removes all or part of the colon",
    "low anterior resection": "surgery that removes the rectum or its upper part",
    "hysterectomy": "surgery that removes the womb (uterus)",
    "wide local excision": "surgery that removes the tumor with a rim of normal tissue around it",
    "sentinel lymph node biopsy": "removal of the first lymph node(s) that drain the tumor, to "
    "check them for cancer",
    "excisional biopsy": "removal of a whole lump or node so it can be examined",
    "core needle biopsy": "small cores of tissue taken with a hollow needle",
    "punch biopsy": "a small round piece of skin taken with a punch tool",
    "shave biopsy": "a thin slice of skin shaved off to be examined",
    "segmental resection": "surgery that removes a segment of an organ, such as a piece of the "
    "bowel",
    "biopsy": "a small piece of tissue taken to be examined under the microscope",
    "resection": "surgery that removes tissue",
}

DRIVER_NAMES = {
    "egfr": "EGFR",
    "alk": "ALK",
    "ros1": "ROS1",
    "kras": "KRAS",
    "braf": "BRAF",
}
DRIVER_KIND = {
    "egfr": "a change (mutation) in the EGFR gene",
    "alk": "a rearrangement (fusion) of the ALK gene",
    "ros1": "a rearrangement (fusion) of the ROS1 gene",
    "kras": "a change (mutation) in the KRAS gene",
    "braf": "a change (mutation) in the BRAF gene",
}

GRADE_GROUPS = {
    1: "Grade group 1 (Gleason 3+3=6): the lowest-risk group; the cancer usually grows slowly.",
    2: "Grade group 2 (Gleason 3+4=7): mostly pattern 3 with a smaller part of pattern 4.",
    3: "Grade group 3 (Gleason 4+3=7): mostly pattern 4 with a smaller part of pattern 3.",
    4: "Grade group 4 (Gleason score 8): a higher-risk group.",
    5: "Grade group 5 (Gleason score 9 or 10): the highest-risk group.",
}

FIELD_LABELS = {
    "specimen": "Specimen / procedure",
    "site": "Primary site",
    "laterality": "Side",
    "histology": "Type of cancer (histologic type)",
    "grade": "Grade",
    "tumor_size_mm": "Tumor size",
    "focality": "Number of tumors",
    "pT": "Tumor (pT)",
    "pN": "Lymph nodes (pN)",
    "pM": "Distant spread (M)",
    "tnm_prefixes": "Staging prefixes",
    "stage_group": "Stage group",
    "ajcc_edition": "AJCC edition",
    "margins": "Margins",
    "lvi": "Lymphovascular invasion",
    "pni": "Perineural invasion",
    "nodes_examined": "Lymph nodes examined",
    "nodes_positive": "Lymph nodes with cancer",
    "ene": "Extranodal extension",
    "er": "Estrogen receptor (ER)",
    "pr": "Progesterone receptor (PR)",
    "her2": "HER2",
    "ki67_percent": "Ki-67",
    "gleason": "Gleason score",
    "grade_group": "Grade group",
    "mmr": "Mismatch repair (MMR)",
    "msi": "Microsatellite instability (MSI)",
    "pdl1": "PD-L1",
    "egfr": "EGFR",
    "alk": "ALK",
    "ros1": "ROS1",
    "kras": "KRAS",
    "braf": "BRAF",
}
