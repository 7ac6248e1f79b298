"""Plain-language explanations of every value the extractor can output.

This is the ONE reviewed place for the product's medical wording about pathology facts.
Definitions follow the AJCC Cancer Staging Manual, 8th edition, and the usual reporting
systems (Nottingham, ISUP/WHO, FIGO, Gleason/ISUP grade groups, ASCO/CAP for ER, PR and HER2).
Sentences are our own, short, and describe; they never advise.

Review rule: any change to a sentence here needs a second person who checks it against the
AJCC 8th edition text or the named guideline. Keep each explanation to two or three short
sentences; the page shows it beside the highlighted words of the report.

Pure module: no Django.
"""

from __future__ import annotations

import re
from typing import Any

# Cancer codes accepted by explain(): our own names and TCGA project codes.
CANCER_ALIASES = {
    "BRCA": "breast",
    "PRAD": "prostate",
    "COAD": "colon",
    "READ": "colon",
    "colorectal": "colon",
    "rectum": "colon",
    "LUAD": "lung",
    "LUSC": "lung",
    "SKCM": "melanoma",
    "skin": "melanoma",
    "BLCA": "bladder",
    "KIRC": "kidney",
    "KIRP": "kidney",
    "KICH": "kidney",
    "THCA": "thyroid",
    "UCEC": "endometrium",
    "uterus": "endometrium",
    "DLBC": "lymphoma",
    "OV": "ovary",
    "PAAD": "pancreas",
    "CESC": "cervix",
}

CANCER_NAMES = {
    "breast": "breast cancer",
    "prostate": "prostate cancer",
    "colon": "colon and rectal cancer",
    "lung": "lung cancer",
    "melanoma": "melanoma",
    "bladder": "bladder cancer",
    "kidney": "kidney cancer",
    "thyroid": "thyroid cancer",
    "endometrium": "cancer of the lining of the womb (endometrium)",
    "lymphoma": "lymphoma",
    "ovary": "ovarian cancer",
    "pancreas": "pancreatic cancer",
    "cervix": "cervical cancer",
}


def cancer_key(cancer_code: str | None) -> str | None:
    if not cancer_code:
        return None
    code = cancer_code.strip()
    return CANCER_ALIASES.get(code.upper(), CANCER_ALIASES.get(code, code.lower()))


# ---------------------------------------------------------------------------------------
# TNM basics

TNM_INTRO = {
    "pT": "pT tells about the main tumour as the pathologist saw it under the microscope. "
    "It tells how big it is or how far it has grown.",
    "pN": "pN tells if cancer was found in the nearby (regional) lymph nodes that were "
    "taken out and checked.",
    "pM": "M describes whether the cancer has spread to distant parts of the body.",
}

T_GENERIC = {
    "TX": "The main tumour could not be assessed from the tissue that was examined.",
    "T0": "No sign of the main tumour was found in the tissue examined.",
    "Tis": "Carcinoma in situ: abnormal cells are present but have not grown into the deeper "
    "tissue around them. This is the earliest stage.",
    "Ta": "A papillary tumour that has not invaded. It grows like a small finger on the "
    "inner surface. It has not grown into the wall.",
    "T1": "A small tumour, or one that has grown only a short way. T1 is the lowest of four "
    "main size/extent categories.",
    "T2": "A larger tumour, or one that has grown further than T1. What T2 means exactly "
    "depends on the type of cancer.",
    "T3": "A tumour that is larger again, or has grown through more layers than T2. What T3 "
    "means exactly depends on the type of cancer.",
    "T4": "The highest T category. Most often the tumour has grown into nearby parts or "
    "organs. What T4 means depends on the type of cancer.",
}

# AJCC 8th edition pathologic T categories, per cancer, in plain words.
T_BY_CANCER: dict[str, dict[str, str]] = {
    "breast": {
        "Tis": "Ductal carcinoma in situ (DCIS). Abnormal cells are inside the milk ducts. "
        "They have not grown into the breast tissue around them.",
        "T1mi": "Microinvasion: the part that has invaded is 1 mm or less.",
        "T1": "The invasive tumour is 20 mm (2 cm) or smaller.",
        "T1a": "The invasive tumour is more than 1 mm and up to 5 mm.",
        "T1b": "The invasive tumour is more than 5 mm and up to 10 mm.",
        "T1c": "The invasive tumour is more than 10 mm and up to 20 mm.",
        "T2": "The invasive tumour is more than 20 mm and up to 50 mm (2 to 5 cm).",
        "T3": "The invasive tumour is more than 50 mm (5 cm).",
        "T4": "The tumour, of any size, has grown into the chest wall, or has changed the "
        "skin: an open sore, lumps in the skin you can see, or skin swelling. Growth into the "
        "deep skin layer alone is not T4.",
        "T4a": "The tumour has grown into the chest wall (not counting the chest muscle alone).",
        "T4b": "The tumour has changed the skin: an open sore (ulceration), separate lumps in "
        "the skin that can be seen, or skin swelling. It is not inflammatory cancer.",
        "T4c": "Both T4a and T4b: the chest wall and the skin are involved.",
        "T4d": "Inflammatory breast cancer. Doctors find it mostly by how the skin looks: red "
        "and swollen over a large area.",
    },
    "prostate": {
        "T2": "The cancer is confined to the prostate (it has not grown outside the gland).",
        "T2a": "The cancer is confined to the prostate. The letter a comes from an older "
        "edition. The 8th edition has no groups within pT2.",
        "T2b": "The cancer is confined to the prostate. The letter b comes from an older "
        "edition. The 8th edition has no groups within pT2.",
        "T2c": "The cancer is confined to the prostate. The letter c comes from an older "
        "edition. The 8th edition has no groups within pT2.",
        "T3": "The cancer has grown outside the prostate.",
        "T3a": "The cancer has grown through the outer edge of the prostate, on one or both "
        "sides. Or it has grown into the neck of the bladder, seen under the "
        "microscope.",
        "T3b": "The cancer has grown into one or both seminal vesicles (small glands next to the "
        "prostate).",
        "T4": "The cancer has grown into nearby parts other than the seminal vesicles. "
        "Examples are the rectum, the bladder, the muscle that holds in urine, or the "
        "wall of the pelvis.",
    },
    "colon": {
        "Tis": "Cancer cells are only in the top layer of the bowel lining. They have not "
        "reached the layer under it (submucosa).",
        "T1": "The tumour has grown into the submucosa, the layer just under the lining.",
        "T2": "The tumour has grown into the muscle layer of the bowel wall. This layer is "
        "called the muscularis propria.",
        "T3": "The tumour has grown through the muscle layer into the fatty tissue around the "
        "bowel.",
        "T4": "The tumour has grown through the outer covering of the bowel or into nearby organs.",
        "T4a": "The tumour has grown through the outer cover of the bowel (the visceral "
        "peritoneum).",
        "T4b": "The tumour has grown into, or is stuck to, other organs or structures.",
    },
    "lung": {
        "Tis": "Cancer that has not invaded. It may be cells in the airway lining. Or it may be "
        "adenocarcinoma in situ, which grows only along the walls of the air sacs.",
        "T1mi": "Minimally invasive adenocarcinoma. The tumour is 3 cm or less. The part that "
        "has invaded is 5 mm or less.",
        "T1": "The tumour is 3 cm or smaller, surrounded by lung, and has not reached the main "
        "airway (main bronchus).",
        "T1a": "The tumour is 1 cm or smaller.",
        "T1b": "The tumour is more than 1 cm and up to 2 cm.",
        "T1c": "The tumour is more than 2 cm and up to 3 cm.",
        "T2": "The tumour is more than 3 cm and up to 5 cm. Or it has grown into the main airway "
        "or into the thin lining of the lung (visceral pleura). Or it made part of the lung "
        "collapse.",
        "T2a": "A T2 tumour of more than 3 cm and up to 4 cm. Or a smaller one with a T2 "
        "feature, such as growth into the lung's thin lining.",
        "T2b": "A T2 tumour of more than 4 cm and up to 5 cm.",
        "T3": "The tumour is more than 5 cm and up to 7 cm. Or it has grown into the chest "
        "wall, the nerve to the diaphragm or the sac around the heart. Or there is a "
        "second tumour in the same lobe.",
        "T4": "The tumour is more than 7 cm. Or it has grown into the middle of the chest: "
        "the heart, big blood vessels, windpipe, gullet or spine. Or it has grown into "
        "the diaphragm. Or there is a second tumour in another lobe of the same lung.",
    },
    "melanoma": {
        "Tis": "Melanoma in situ: the melanoma cells are only in the top layer of the skin "
        "(epidermis).",
        "T1": "The melanoma is 1.0 mm thick or less (Breslow thickness).",
        "T1a": "The melanoma is less than 0.8 mm thick and the skin over it is not broken "
        "(no ulceration).",
        "T1b": "The melanoma is less than 0.8 mm thick with ulceration, or 0.8 to 1.0 mm thick "
        "with or without ulceration.",
        "T2": "The melanoma is more than 1.0 mm and up to 2.0 mm thick.",
        "T2a": "More than 1.0 mm and up to 2.0 mm thick, without ulceration.",
        "T2b": "More than 1.0 mm and up to 2.0 mm thick, with ulceration.",
        "T3": "The melanoma is more than 2.0 mm and up to 4.0 mm thick.",
        "T3a": "More than 2.0 mm and up to 4.0 mm thick, without ulceration.",
        "T3b": "More than 2.0 mm and up to 4.0 mm thick, with ulceration.",
        "T4": "The melanoma is more than 4.0 mm thick.",
        "T4a": "More than 4.0 mm thick, without ulceration.",
        "T4b": "More than 4.0 mm thick, with ulceration.",
    },
    "bladder": {
        "Ta": "A papillary tumour that has not invaded. It grows on the inner surface of the "
        "bladder. It has not grown into the wall.",
        "Tis": "Carcinoma in situ. A flat patch of cancer cells in the bladder lining. It has "
        "not grown into the wall.",
        "T1": "The tumour has grown into the tissue just under the lining (lamina propria). "
        "It has not reached the muscle.",
        "T2": "The tumour has grown into the main muscle of the bladder wall (muscularis propria).",
        "T2a": "The tumour has grown into the inner half of the bladder muscle.",
        "T2b": "The tumour has grown into the outer half of the bladder muscle.",
        "T3": "The tumour has grown through the muscle into the fatty tissue around the bladder.",
        "T3a": "Growth into the fat around the bladder, seen only under the microscope.",
        "T3b": "Growth into the fatty tissue around the bladder that can be seen or felt "
        "(a visible mass).",
        "T4": "The tumour has grown into nearby organs or the wall of the pelvis or abdomen.",
        "T4a": "The tumour has grown straight from the bladder into the prostate (its stroma). "
        "Or into the seminal vesicles, the uterus or the vagina.",
        "T4b": "The tumour has grown into the wall of the pelvis or the abdomen.",
    },
    "kidney": {
        "T1": "The tumour is 7 cm or smaller and is only in the kidney.",
        "T1a": "The tumour is 4 cm or smaller and is only in the kidney.",
        "T1b": "The tumour is more than 4 cm and up to 7 cm, and is only in the kidney.",
        "T2": "The tumour is more than 7 cm and is only in the kidney.",
        "T2a": "The tumour is more than 7 cm and up to 10 cm, only in the kidney.",
        "T2b": "The tumour is more than 10 cm, only in the kidney.",
        "T3": "The tumour has grown into large veins or the fat around the kidney. It has not "
        "grown into the adrenal gland on that side. It has not grown past the kidney's "
        "outer wrap (Gerota's fascia).",
        "T3a": "The tumour has grown into the kidney's main vein or its branches. Or into the "
        "part that collects urine. Or into the fat around the kidney or at its center "
        "(sinus fat).",
        "T3b": "The tumour has grown into the large vein to the heart (vena cava) below the "
        "diaphragm.",
        "T3c": "The tumour has grown into the vena cava above the diaphragm. Or into the wall "
        "of the vena cava.",
        "T4": "The tumour has grown beyond Gerota's fascia, or straight into the adrenal gland on "
        "the same side. A separate spot in the adrenal gland is not T4.",
    },
    "thyroid": {
        "T1": "The tumour is 2 cm or smaller and is only in the thyroid.",
        "T1a": "The tumour is 1 cm or smaller and is only in the thyroid.",
        "T1b": "The tumour is more than 1 cm and up to 2 cm, only in the thyroid.",
        "T2": "The tumour is more than 2 cm and up to 4 cm, only in the thyroid.",
        "T3": "The tumour is more than 4 cm. Or it has grown outside the thyroid into the strap "
        "muscles of the neck in a way the surgeon could see.",
        "T3a": "The tumour is more than 4 cm and is only in the thyroid.",
        "T3b": "The tumour, of any size, has grown outside the thyroid into the strap muscles. "
        "This growth must be seen by eye, not only under the microscope.",
        "T4": "The tumour has grown outside the thyroid into major structures of the neck.",
        "T4a": "The tumour has grown into the tissue under the skin, the voice box, or the "
        "windpipe. Or into the gullet, or the nerve to the voice box.",
        "T4b": "The tumour has grown into the layer in front of the spine or surrounds the "
        "carotid artery or large blood vessels in the chest.",
    },
    "endometrium": {
        "T1": "The tumour is only in the body of the womb (uterus).",
        "T1a": "The tumour is only in the lining. Or it has grown into less than half of the "
        "muscle wall of the womb.",
        "T1b": "The tumour has grown into half or more of the muscle wall of the womb.",
        "T2": "The tumour has grown into the firm tissue of the cervix (cervical stroma). It "
        "has not spread outside the womb.",
        "T3": "The tumour has spread to the outer surface of the womb, or the ovaries or "
        "tubes. Or to the vagina or the tissue beside the womb.",
        "T3a": "The tumour has reached the outer surface of the womb (serosa) and/or the "
        "ovaries or fallopian tubes.",
        "T3b": "The tumour has spread to the vagina or the tissue beside the womb (parametrium).",
        "T4": "The tumour has grown into the inner lining of the bladder or the bowel.",
    },
}

# AJCC 8th edition (the same groups as FIGO for ovary and cervix), in plain words.
T_BY_CANCER["ovary"] = {
    "T1": "The tumour is only in one or both ovaries or fallopian tubes.",
    "T1a": "The tumour is in one ovary or tube. Its outer layer is whole, with no tumour on the "
    "surface and no cancer cells in the fluid.",
    "T1b": "The tumour is in both ovaries or tubes. The outer layers are whole, with no tumour "
    "on the surface and no cancer cells in the fluid.",
    "T1c": "The tumour is in one or both ovaries or tubes. And it spilled or broke open, "
    "or is on the surface. Or cancer cells were found in the fluid.",
    "T1c1": "The tumour spilled during surgery.",
    "T1c2": "The tumour broke open before surgery, or there is tumour on the surface.",
    "T1c3": "Cancer cells were found in the fluid of the belly or in the washings.",
    "T2": "The tumour has spread within the pelvis, below the rim of the hip bones.",
    "T2a": "The tumour has spread to the womb, the tubes or the ovaries.",
    "T2b": "The tumour has spread to other tissues in the pelvis.",
    "T3": "The tumour has spread to the lining of the belly outside the pelvis, or to lymph "
    "nodes at the back of the belly.",
    "T3a": "Spread to the lining of the belly outside the pelvis seen only under the microscope.",
    "T3b": "Spread to the lining of the belly outside the pelvis, 2 cm or smaller.",
    "T3c": "Spread to the lining of the belly outside the pelvis, larger than 2 cm.",
}
T_BY_CANCER["pancreas"] = {
    "Tis": "Cancer cells that have not invaded (carcinoma in situ), such as high-grade PanIN.",
    "T1": "The tumour is 2 cm or smaller.",
    "T1a": "The tumour is 0.5 cm or smaller.",
    "T1b": "The tumour is more than 0.5 cm and less than 1 cm.",
    "T1c": "The tumour is 1 cm to 2 cm.",
    "T2": "The tumour is more than 2 cm and up to 4 cm.",
    "T3": "The tumour is more than 4 cm.",
    "T4": "The tumour, of any size, has grown around one of the main arteries near the "
    "pancreas. These are the celiac axis, the superior mesenteric artery and the "
    "common hepatic artery.",
}
T_BY_CANCER["cervix"] = {
    "T1": "The cancer is only in the cervix, the neck of the womb.",
    "T1a": "A cancer seen only under the microscope. It is 5 mm deep or less and 7 mm wide or "
    "less.",
    "T1a1": "A cancer seen only under the microscope, 3 mm deep or less.",
    "T1a2": "A cancer seen only under the microscope, more than 3 mm and up to 5 mm deep.",
    "T1b": "The cancer is only in the cervix, and it can be seen, or it is larger than T1a.",
    "T1b1": "A T1b cancer that is 4 cm or smaller.",
    "T1b2": "A T1b cancer that is larger than 4 cm.",
    "T2": "The cancer has grown beyond the womb. It has not reached the wall of the pelvis or "
    "the lower third of the vagina.",
    "T2a": "Like T2, without spread into the tissue beside the womb (parametrium).",
    "T2b": "Like T2, with spread into the tissue beside the womb (parametrium).",
    "T3": "The cancer has reached the wall of the pelvis or the lower third of the vagina, or it "
    "blocks a kidney tube.",
    "T3a": "The cancer has reached the lower third of the vagina.",
    "T3b": "The cancer has reached the wall of the pelvis, or it blocks a kidney tube.",
    "T4": "The cancer has grown into the lining of the bladder or the rectum, or beyond the "
    "pelvis.",
}

N_GENERIC = {
    "NX": "The nearby lymph nodes could not be assessed, often because none were removed.",
    "N0": "No cancer was found in the nearby lymph nodes that were examined.",
    "N0(i+)": "Only isolated tumour cells were found in a lymph node: tiny groups of cells no "
    "larger than 0.2 mm. This still counts as N0.",
    "N0(i-)": "No cancer was found in the lymph nodes, including with special stains.",
    "N0(mol+)": "No cancer was seen in the lymph nodes under the microscope, but a molecular "
    "test found traces of cancer cells. This still counts as N0.",
    "N0(mol-)": "No cancer was found in the lymph nodes, including with a molecular test.",
    "N1mi": "Micrometastasis: a small deposit of cancer in a lymph node, larger than 0.2 mm but "
    "no larger than 2 mm.",
    "N1": "Cancer was found in a small number of nearby lymph nodes. The exact meaning depends on "
    "the type of cancer.",
    "N2": "Cancer was found in more nearby lymph nodes, or in nodes further away, than N1. The "
    "exact meaning depends on the type of cancer.",
    "N3": "The highest N category: cancer in many lymph nodes or in nodes further from the "
    "tumour. The exact meaning depends on the type of cancer.",
}

N_BY_CANCER: dict[str, dict[str, str]] = {
    "breast": {
        "N1": "Cancer in 1 to 3 lymph nodes under the arm. Or in nodes next to the breastbone "
        "found by sentinel node biopsy.",
        "N1a": "Cancer in 1 to 3 lymph nodes under the arm, with at least one deposit larger "
        "than 2 mm.",
        "N1b": "Cancer in internal mammary lymph nodes (next to the breastbone), found by "
        "sentinel node biopsy.",
        "N1c": "Both N1a and N1b.",
        "N2": "Cancer in 4 to 9 lymph nodes under the arm. Or cancer in nodes next to the "
        "breastbone seen on scans, with none in the nodes under the arm.",
        "N2a": "Cancer in 4 to 9 lymph nodes under the arm, with at least one deposit larger "
        "than 2 mm.",
        "N2b": "Cancer in nodes next to the breastbone seen on scans. There is none in the "
        "nodes under the arm.",
        "N3": "Cancer in 10 or more lymph nodes under the arm. Or in nodes below or above the "
        "collarbone. Or in nodes next to the breastbone plus nodes under the arm.",
        "N3a": "Cancer in 10 or more lymph nodes under the arm, or in nodes below the collarbone.",
        "N3b": "Cancer in nodes next to the breastbone, plus nodes under the arm.",
        "N3c": "Cancer in lymph nodes above the collarbone on the same side.",
    },
    "colon": {
        "N1": "Cancer in 1 to 3 nearby lymph nodes. Or tumour deposits in the fat near the "
        "bowel, with no cancer in the nodes.",
        "N1a": "Cancer in 1 nearby lymph node.",
        "N1b": "Cancer in 2 or 3 nearby lymph nodes.",
        "N1c": "No lymph node has cancer, but there are tumour deposits: small separate nests of "
        "cancer in the fat near the bowel.",
        "N2": "Cancer in 4 or more nearby lymph nodes.",
        "N2a": "Cancer in 4 to 6 nearby lymph nodes.",
        "N2b": "Cancer in 7 or more nearby lymph nodes.",
    },
    "lung": {
        "N1": "Cancer in lymph nodes inside the lung or around the main airway on the same side "
        "(peribronchial or hilar nodes).",
        "N2": "Cancer in lymph nodes in the middle of the chest on the same side. Or in nodes "
        "just below where the windpipe splits (subcarinal nodes).",
        "N3": "Cancer in lymph nodes on the other side of the chest, or above the collarbone.",
    },
    "prostate": {
        "N1": "Cancer in one or more of the nearby lymph nodes in the pelvis.",
    },
    "melanoma": {
        "N0(i+)": "In melanoma, any tumour cells in a lymph node make it positive, even a few "
        "isolated cells. Ask how this was staged.",
        "N1": "Cancer in one nearby lymph node. In melanoma, even a few tumour cells count. "
        "Or there are small melanoma spots in the skin on the way to the nodes, with no "
        "node involved.",
        "N2": "Cancer in 2 or 3 nearby lymph nodes. Or small melanoma spots in the skin on "
        "the way to the nodes, plus one node.",
        "N3": "Cancer in 4 or more nearby lymph nodes. Or nodes stuck together (matted). Or "
        "small melanoma spots in the skin on the way to the nodes, plus 2 or more "
        "nodes.",
    },
    "bladder": {
        "N1": "Cancer in a single lymph node in the true pelvis.",
        "N2": "Cancer in more than one lymph node in the true pelvis.",
        "N3": "Cancer in the lymph nodes along the common iliac arteries (higher up in the "
        "pelvis).",
    },
    "kidney": {
        "N1": "Cancer in one or more nearby (regional) lymph nodes.",
    },
    "thyroid": {
        "N1": "Cancer in nearby lymph nodes of the neck.",
        "N1a": "Cancer in lymph nodes in the center of the neck, next to the thyroid and "
        "windpipe (level VI). Or in the upper chest (level VII, the upper mediastinum).",
        "N1b": "Cancer in lymph nodes at the side of the neck (levels I to V) or behind the "
        "throat (retropharyngeal).",
    },
    "endometrium": {
        "N1": "Cancer in lymph nodes of the pelvis.",
        "N1mi": "A micrometastasis (larger than 0.2 mm, no larger than 2 mm) in a pelvic lymph "
        "node.",
        "N1a": "A deposit larger than 2 mm in a pelvic lymph node.",
        "N2": "Cancer in lymph nodes along the aorta (para-aortic nodes), with or without pelvic "
        "nodes.",
        "N2mi": "A micrometastasis in a para-aortic lymph node.",
        "N2a": "A deposit larger than 2 mm in a para-aortic lymph node.",
    },
}

M_GENERIC = {
    "MX": "An older label meaning distant spread could not be assessed. Recent AJCC editions "
    "(the 7th and the current 8th) no longer use it.",
    "M0": "No distant spread was found. This is not a finding a pathologist can make from the "
    "tissue alone. Scans and the doctor's exam decide it.",
    "M1": "The cancer has spread to a distant part of the body (distant metastasis).",
}

M_BY_CANCER: dict[str, dict[str, str]] = {
    "lung": {
        "M1a": "Separate tumours in the other lung. Or cancer in the lining of the lung or "
        "heart. Or fluid with cancer cells around the lung or heart.",
        "M1b": "A single spread outside the chest, in one organ.",
        "M1c": "Several spreads outside the chest, in one or more organs.",
    },
    "colon": {
        "M1a": "Spread to one distant organ or site (such as the liver or lung), without spread "
        "to the lining of the abdomen.",
        "M1b": "Spread to two or more distant organs or sites, without spread to the lining of "
        "the abdomen.",
        "M1c": "Spread to the lining of the abdomen (peritoneum), with or without other organs.",
    },
    "prostate": {
        "M1a": "Spread to lymph nodes that are not the nearby (regional) pelvic nodes.",
        "M1b": "Spread to bone.",
        "M1c": "Spread to other organs, with or without bone.",
    },
    "melanoma": {
        "M1a": "Spread to distant skin, soft tissue (including muscle) or distant lymph nodes.",
        "M1b": "Spread to the lung.",
        "M1c": "Spread to other organs except the brain.",
        "M1d": "Spread to the brain or spinal cord.",
    },
    "bladder": {
        "M1a": "Spread to lymph nodes beyond the common iliac nodes.",
        "M1b": "Spread to other distant organs.",
    },
    "endometrium": {},
}

PREFIX = {
    "y": "The letter y means the tissue was staged after treatment that came before "
    "surgery, such as chemo or radiation. So it tells what was left after that "
    "treatment.",
    "r": "The letter r means the cancer was staged when it came back (recurrence) after a time "
    "without cancer.",
    "m": "The letter m means there was more than one tumour in the same organ. The tumour with "
    "the highest T category sets the T.",
}


def _split_tnm(value: str) -> tuple[str, str]:
    """'T2a' -> ('T2a', 'T2'); 'N0(i+)' -> ('N0(i+)', 'N0'); 'T1mi' -> ('T1mi', 'T1')."""
    m = re.match(r"([TNM])(is|a(?![a-z])|X|\d)", value)
    if not m:
        return value, value
    main = m.group(1) + m.group(2)
    return value, main


def _explain_tnm(field: str, value: str, cancer: str | None) -> str:
    axis = field[1:]
    full, main = _split_tnm(value)
    if cancer == "lymphoma":
        return (
            "The TNM system is not used for lymphoma; lymphoma is staged by the areas of the "
            "body it involves (Lugano classification)."
        )
    per = {"T": T_BY_CANCER, "N": N_BY_CANCER, "M": M_BY_CANCER}[axis].get(cancer or "", {})
    generic = {"T": T_GENERIC, "N": N_GENERIC, "M": M_GENERIC}[axis]
    sentence = per.get(full) or generic.get(full)
    if sentence is None and full != main:
        base = per.get(main) or generic.get(main)
        if base:
            sentence = (
                base + f" The letter or number after {main} ({full}) gives more detail, and "
                "its meaning depends on the type of cancer."
            )
    if sentence is None:
        sentence = f"{full} is a category of the TNM staging system."
    name = CANCER_NAMES.get(cancer or "")
    # pM0 is not a pathological category (a pathologist cannot show "no spread" from tissue).
    lead = full if full == "M0" else f"p{full}"
    if name and (full in per):
        return f"{lead} in {name}: {sentence}"
    return f"{lead}: {sentence}"


# ---------------------------------------------------------------------------------------
# Other fields

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
    "the tumour grows in solid sheets, not glands. Grade 1 has the least. Grade 3 "
    "has the most.",
    "WHO": "The WHO grade (used for brain tumours and some others) runs from 1 to 4; higher "
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
    "1-2": "Grade 1-2: a low-grade tumour, between grade 1 and grade 2.",
    "2-3": "Grade 2-3: between intermediate and high grade.",
    "3-4": "Grade 3-4: a high-grade tumour.",
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
        "vessels or lymph channels near the tumour.",
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
        "unifocal": "Unifocal: there is a single tumour.",
        "multifocal": "Multifocal: there is more than one separate tumour in the organ.",
    },
    "laterality": {
        "left": "The tumour is on the left side of the body.",
        "right": "The tumour is on the right side of the body.",
        "bilateral": "Tumour is present on both sides.",
        "midline": "The tumour is in the middle of the body.",
    },
    "er": {
        "positive": "ER-positive. The cancer cells have receptors for the hormone estrogen. So "
        "estrogen can help them grow. Hormone treatments can target this.",
        "low positive": "ER-low positive. Only 1% to 10% of cancer cells have estrogen receptors. These "
        "tumours can act more like ER-negative ones.",
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
        "MSI-H": "High microsatellite instability (MSI-H). The tumour has many changes in short, "
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
    "melanoma": "Cancer that starts in melanocytes, the cells that give skin its colour.",
    "diffuse large B-cell lymphoma": "A fast-growing lymphoma of B cells (a kind of white blood "
    "cell). It is the most common type of lymphoma in adults.",
    "follicular lymphoma": "A lymphoma of B cells that often grows slowly. The cells grow in round "
    "clusters (follicles).",
    "Hodgkin lymphoma": "A lymphoma recognised by large abnormal cells called Reed-Sternberg "
    "cells.",
    "lymphoma": "Cancer of the lymphocytes, a kind of white blood cell.",
    "glioblastoma": "A fast-growing brain tumour that starts in glial cells (WHO grade 4).",
    "carcinoma in situ": "Abnormal cells in a lining that have not grown into the tissue below.",
    "carcinoma": "Cancer that starts in the cells that line organs and surfaces (epithelial "
    "cells).",
}

PROCEDURES = {
    "radical prostatectomy": "surgery that removes the whole prostate and the seminal vesicles",
    "modified radical mastectomy": "surgery that removes the whole breast and the lymph nodes "
    "under the arm",
    "mastectomy": "surgery that removes the whole breast",
    "lumpectomy": "surgery that takes out the tumour with a rim of normal tissue. The rest of the "
    "breast is kept. It is also called a partial mastectomy",
    "radical nephrectomy": "surgery that removes the whole kidney, often with the fat around it",
    "partial nephrectomy": "surgery that removes the tumour and part of the kidney, keeping the "
    "rest",
    "nephrectomy": "surgery that removes a kidney",
    "radical cystectomy": "surgery that removes the whole bladder and nearby organs",
    "cystectomy": "surgery that removes all or part of the bladder",
    "transurethral resection": "taking out tissue through a tube passed up the urethra, with no cut in the "
    "skin. It is done for a bladder tumour (TURBT) or the prostate (TURP)",
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
    "wide local excision": "surgery that removes the tumour with a rim of normal tissue around it",
    "sentinel lymph node biopsy": "removal of the first lymph node(s) that drain the tumour, to "
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
    "tumor_size_mm": "Tumour size",
    "focality": "Number of tumours",
    "pT": "Tumour (pT)",
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


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def explain(
    field: str, value: Any, cancer_code: str | None = None, details: dict[str, Any] | None = None
) -> str:
    """A short plain-language explanation of one extracted fact.

    ``cancer_code`` is our cancer name ("breast") or a TCGA code ("BRCA"); where a value's
    meaning depends on the cancer (pT2 in breast is not pT2 in prostate) it selects the right
    wording. Unknown combinations fall back to a general sentence, never to a guess.
    """
    cancer = cancer_key(cancer_code)
    details = details or {}
    value_str = str(value)
    if field in ("pT", "pN", "pM"):
        return _explain_tnm(field, value_str, cancer)
    if field == "tnm_prefixes":
        return " ".join(PREFIX[c] for c in value_str if c in PREFIX)
    if field == "grade":
        base = GRADE_VALUES.get(value_str, f"Grade {value_str}.")
        system = details.get("system")
        if system in GRADE_SYSTEMS:
            return base + " " + GRADE_SYSTEMS[system]
        return base
    if field in SIMPLE:
        text = SIMPLE[field].get(value_str)
        if text:
            if field == "margins" and details.get("in_situ"):
                text += (
                    " This is about the in-situ part: cancer cells that have not grown out of"
                    " where they started (such as DCIS)."
                )
            if field == "margins" and details.get("closest_mm") is not None:
                text += f" The closest distance reported is {details['closest_mm']} mm."
            if field in ("er", "pr") and details.get("percent") is not None:
                text += f" Reported: {details['percent']}% of cells stained."
            if field == "her2" and details.get("ihc_score"):
                text += f" The protein test (IHC) score was {details['ihc_score']}."
            return text
    if field in DRIVER_NAMES:
        name = DRIVER_NAMES[field]
        if value_str == "detected":
            variant = f" ({details['variant']})" if details.get("variant") else ""
            return (
                f"{name}: the test found {DRIVER_KIND[field]}{variant}. Some such changes can be "
                "targeted by specific medicines; the treating team interprets this."
            )
        return f"{name}: the test did not find {DRIVER_KIND[field]}."
    if field == "tumor_size_mm":
        cm = float(value) / 10
        return (
            f"The tumour measures {value} mm ({cm:g} cm) at its largest, as measured by the "
            "pathologist."
        )
    if field == "nodes_examined":
        return f"{value} lymph node(s) were removed and looked at under the microscope."
    if field == "nodes_positive":
        if value == 0:
            return "None of the examined lymph nodes contained cancer."
        return f"{value} of the examined lymph node(s) contained cancer."
    if field == "ki67_percent":
        return (
            f"Ki-67 marks cells that are in the cycle of growing and dividing. {value}% of the "
            "cancer cells showed it. A higher number often goes with faster growth. Labs measure "
            "it in different ways, so compare numbers from the same lab."
        )
    if field == "gleason":
        m = re.match(r"(\d)\+(\d)=(\d+)", value_str)
        if m:
            a, b, total = m.groups()
            text = (
                f"Gleason score {value_str}: the most common growth pattern is {a}. The second "
                f"number, {b}, is the next most common pattern (on a needle biopsy, the highest "
                "pattern seen). Patterns run from 3, closest to normal, to 5, most abnormal. "
                f"They add up to {total}. Scores run from 6 to 10 in practice."
            )
            if details.get("tertiary"):
                text += (
                    f" A small amount of pattern {details['tertiary']} was also seen (a third,"
                    " or tertiary, pattern). Doctors take it into account."
                )
            return text
    if field == "grade_group":
        try:
            return GRADE_GROUPS[int(value)]
        except (KeyError, ValueError):
            pass
    if field == "pdl1":
        parts = []
        if "tps" in details:
            parts.append(
                f"TPS (tumour proportion score) {details['tps']}%: the share of cancer cells "
                "that show PD-L1."
            )
        if "cps" in details:
            parts.append(
                f"CPS (combined positive score) {details['cps']}: PD-L1-stained cancer and "
                "immune cells per 100 cancer cells."
            )
        intro = "PD-L1 is a protein that helps cancer hide from the immune system; it is tested "
        intro += "to see whether certain immunotherapy medicines may help."
        if not parts:
            parts.append(f"The result was {value_str}.")
        return intro + " " + " ".join(parts)
    if field == "stage_group":
        system = details.get("system", "AJCC")
        return (
            f"Stage {value_str} ({system}) sums up the tumour, lymph node and spread findings in "
            "one stage, from 0 (earliest) to IV (spread far in the body). For some cancers, the "
            "stage also uses grade, markers, PSA or age."
        )
    if field == "ajcc_edition":
        note = ""
        if str(value) != "8":
            note = " Some categories changed between editions."
        note += " Version 9 now applies to some cancers, such as lung cancer."
        return f"The stage was given using the AJCC manual, edition {value}.{note}"
    if field == "specimen":
        if value_str in PROCEDURES:
            return f"The tissue came from a {value_str}: {PROCEDURES[value_str]}."
        return f"The tissue came from this procedure: {value_str}."
    if field == "site":
        return f"Where the cancer started (primary site): {value_str}."
    if field == "histology":
        lead = "The type of cancer, named by how the cells look under the microscope."
        return (
            f"{lead} {HISTOLOGY[value_str]}" if value_str in HISTOLOGY else f"{lead}: {value_str}."
        )
    return f"{label(field)}: {value_str}."
