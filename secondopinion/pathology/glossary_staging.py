"""Staging wording: cancer names and the AJCC 8th edition T, N and M categories in plain words.

Data only, read by ``glossary.explain()``. The review rule in ``glossary.py`` applies to every
sentence here. Pure module: no Django.
"""

from __future__ import annotations

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


# ---------------------------------------------------------------------------------------
# TNM basics

TNM_INTRO = {
    "pT": "pT tells about the main tumor as the pathologist saw it under the microscope. "
    "It tells how big it is or how far it has grown.",
    "pN": "pN tells if cancer was found in the nearby (regional) lymph nodes that were "
    "taken out and checked.",
    "pM": "M describes whether the cancer has spread to distant parts of the body.",
}

T_GENERIC = {
    "TX": "The main tumor could not be assessed from the tissue that was examined.",
    "T0": "No sign of the main tumor was found in the tissue examined.",
    "Tis": "Carcinoma in situ: abnormal cells are present but have not grown into the deeper "
    "tissue around them. This is the earliest stage.",
    "Ta": "A papillary tumor that has not invaded. It grows like a small finger on the "
    "inner surface. It has not grown into the wall.",
    "T1": "A small tumor, or one that has grown only a short way. T1 is the lowest of four "
    "main size/extent categories.",
    "T2": "A larger tumor, or one that has grown further than T1. What T2 means exactly "
    "depends on the type of cancer.",
    "T3": "A tumor that is larger again, or has grown through more layers than T2. What T3 "
    "means exactly depends on the type of cancer.",
    "T4": "The highest T category. Most often the tumor has grown into nearby parts or "
    "organs. What T4 means depends on the type of cancer.",
}

# AJCC 8th edition pathologic T categories, per cancer, in plain words.
T_BY_CANCER: dict[str, dict[str, str]] = {
    "breast": {
        "Tis": "Ductal carcinoma in situ (DCIS). Abnormal cells are inside the milk ducts. "
        "They have not grown into the breast tissue around them.",
        "T1mi": "Microinvasion: the part that has invaded is 1 mm or less.",
        "T1": "The invasive tumor is 20 mm (2 cm) or smaller.",
        "T1a": "The invasive tumor is more than 1 mm and up to 5 mm.",
        "T1b": "The invasive tumor is more than 5 mm and up to 10 mm.",
        "T1c": "The invasive tumor is more than 10 mm and up to 20 mm.",
        "T2": "The invasive tumor is more than 20 mm and up to 50 mm (2 to 5 cm).",
        "T3": "The invasive tumor is more than 50 mm (5 cm).",
        "T4": "The tumor, of any size, has grown into the chest wall, or has changed the "
        "skin: an open sore, lumps in the skin you can see, or skin swelling. Growth into the "
        "deep skin layer alone is not T4.",
        "T4a": "The tumor has grown into the chest wall (not counting the chest muscle alone).",
        "T4b": "The tumor has changed the skin: an open sore (ulceration), separate lumps in "
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
        "T1": "The tumor has grown into the submucosa, the layer just under the lining.",
        "T2": "The tumor has grown into the muscle layer of the bowel wall. This layer is "
        "called the muscularis propria.",
        "T3": "The tumor has grown through the muscle layer into the fatty tissue around the "
        "bowel.",
        "T4": "The tumor has grown through the outer covering of the bowel or into nearby organs.",
        "T4a": "The tumor has grown through the outer cover of the bowel (the visceral "
        "peritoneum).",
        "T4b": "The tumor has grown into, or is stuck to, other organs or structures.",
    },
    "lung": {
        "Tis": "Cancer that has not invaded. It may be cells in the airway lining. Or it may be "
        "adenocarcinoma in situ, which grows only along the walls of the air sacs.",
        "T1mi": "Minimally invasive adenocarcinoma. The tumor is 3 cm or less. The part that "
        "has invaded is 5 mm or less.",
        "T1": "The tumor is 3 cm or smaller, surrounded by lung, and has not reached the main "
        "airway (main bronchus).",
        "T1a": "The tumor is 1 cm or smaller.",
        "T1b": "The tumor is more than 1 cm and up to 2 cm.",
        "T1c": "The tumor is more than 2 cm and up to 3 cm.",
        "T2": "The tumor is more than 3 cm and up to 5 cm. Or it has grown into the main airway "
        "or into the thin lining of the lung (visceral pleura). Or it made part of the lung "
        "collapse.",
        "T2a": "A T2 tumor of more than 3 cm and up to 4 cm. Or a smaller one with a T2 "
        "feature, such as growth into the lung's thin lining.",
        "T2b": "A T2 tumor of more than 4 cm and up to 5 cm.",
        "T3": "The tumor is more than 5 cm and up to 7 cm. Or it has grown into the chest "
        "wall, the nerve to the diaphragm or the sac around the heart. Or there is a "
        "second tumor in the same lobe.",
        "T4": "The tumor is more than 7 cm. Or it has grown into the middle of the chest: "
        "the heart, big blood vessels, windpipe, gullet or spine. Or it has grown into "
        "the diaphragm. Or there is a second tumor in another lobe of the same lung.",
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
        "Ta": "A papillary tumor that has not invaded. It grows on the inner surface of the "
        "bladder. It has not grown into the wall.",
        "Tis": "Carcinoma in situ. A flat patch of cancer cells in the bladder lining. It has "
        "not grown into the wall.",
        "T1": "The tumor has grown into the tissue just under the lining (lamina propria). "
        "It has not reached the muscle.",
        "T2": "The tumor has grown into the main muscle of the bladder wall (muscularis propria).",
        "T2a": "The tumor has grown into the inner half of the bladder muscle.",
        "T2b": "The tumor has grown into the outer half of the bladder muscle.",
        "T3": "The tumor has grown through the muscle into the fatty tissue around the bladder.",
        "T3a": "Growth into the fat around the bladder, seen only under the microscope.",
        "T3b": "Growth into the fatty tissue around the bladder that can be seen or felt "
        "(a visible mass).",
        "T4": "The tumor has grown into nearby organs or the wall of the pelvis or abdomen.",
        "T4a": "The tumor has grown straight from the bladder into the prostate (its stroma). "
        "Or into the seminal vesicles, the uterus or the vagina.",
        "T4b": "The tumor has grown into the wall of the pelvis or the abdomen.",
    },
    "kidney": {
        "T1": "The tumor is 7 cm or smaller and is only in the kidney.",
        "T1a": "The tumor is 4 cm or smaller and is only in the kidney.",
        "T1b": "The tumor is more than 4 cm and up to 7 cm, and is only in the kidney.",
        "T2": "The tumor is more than 7 cm and is only in the kidney.",
        "T2a": "The tumor is more than 7 cm and up to 10 cm, only in the kidney.",
        "T2b": "The tumor is more than 10 cm, only in the kidney.",
        "T3": "The tumor has grown into large veins or the fat around the kidney. It has not "
        "grown into the adrenal gland on that side. It has not grown past the kidney's "
        "outer wrap (Gerota's fascia).",
        "T3a": "The tumor has grown into the kidney's main vein or its branches. Or into the "
        "part that collects urine. Or into the fat around the kidney or at its center "
        "(sinus fat).",
        "T3b": "The tumor has grown into the large vein to the heart (vena cava) below the "
        "diaphragm.",
        "T3c": "The tumor has grown into the vena cava above the diaphragm. Or into the wall "
        "of the vena cava.",
        "T4": "The tumor has grown beyond Gerota's fascia, or straight into the adrenal gland on "
        "the same side. A separate spot in the adrenal gland is not T4.",
    },
    "thyroid": {
        "T1": "The tumor is 2 cm or smaller and is only in the thyroid.",
        "T1a": "The tumor is 1 cm or smaller and is only in the thyroid.",
        "T1b": "The tumor is more than 1 cm and up to 2 cm, only in the thyroid.",
        "T2": "The tumor is more than 2 cm and up to 4 cm, only in the thyroid.",
        "T3": "The tumor is more than 4 cm. Or it has grown outside the thyroid into the strap "
        "muscles of the neck in a way the surgeon could see.",
        "T3a": "The tumor is more than 4 cm and is only in the thyroid.",
        "T3b": "The tumor, of any size, has grown outside the thyroid into the strap muscles. "
        "This growth must be seen by eye, not only under the microscope.",
        "T4": "The tumor has grown outside the thyroid into major structures of the neck.",
        "T4a": "The tumor has grown into the tissue under the skin, the voice box, or the "
        "windpipe. Or into the gullet, or the nerve to the voice box.",
        "T4b": "The tumor has grown into the layer in front of the spine or surrounds the "
        "carotid artery or large blood vessels in the chest.",
    },
    "endometrium": {
        "T1": "The tumor is only in the body of the womb (uterus).",
        "T1a": "The tumor is only in the lining. Or it has grown into less than half of the "
        "muscle wall of the womb.",
        "T1b": "The tumor has grown into half or more of the muscle wall of the womb.",
        "T2": "The tumor has grown into the firm tissue of the cervix (cervical stroma). It "
        "has not spread outside the womb.",
        "T3": "The tumor has spread to the outer surface of the womb, or the ovaries or "
        "tubes. Or to the vagina or the tissue beside the womb.",
        "T3a": "The tumor has reached the outer surface of the womb (serosa) and/or the "
        "ovaries or fallopian tubes.",
        "T3b": "The tumor has spread to the vagina or the tissue beside the womb (parametrium).",
        "T4": "The tumor has grown into the inner lining of the bladder or the bowel.",
    },
}

# AJCC 8th edition (the same groups as FIGO for ovary and cervix), in plain words.
T_BY_CANCER["ovary"] = {
    "T1": "The tumor is only in one or both ovaries or fallopian tubes.",
    "T1a": "The tumor is in one ovary or tube. Its outer layer is whole, with no tumor on the "
    "surface and no cancer cells in the fluid.",
    "T1b": "The tumor is in both ovaries or tubes. The outer layers are whole, with no tumor "
    "on the surface and no cancer cells in the fluid.",
    "T1c": "The tumor is in one or both ovaries or tubes. And it spilled or broke open, "
    "or is on the surface. Or cancer cells were found in the fluid.",
    "T1c1": "The tumor spilled during surgery.",
    "T1c2": "The tumor broke open before surgery, or there is tumor on the surface.",
    "T1c3": "Cancer cells were found in the fluid of the belly or in the washings.",
    "T2": "The tumor has spread within the pelvis, below the rim of the hip bones.",
    "T2a": "The tumor has spread to the womb, the tubes or the ovaries.",
    "T2b": "The tumor has spread to other tissues in the pelvis.",
    "T3": "The tumor has spread to the lining of the belly outside the pelvis, or to lymph "
    "nodes at the back of the belly.",
    "T3a": "Spread to the lining of the belly outside the pelvis seen only under the microscope.",
    "T3b": "Spread to the lining of the belly outside the pelvis, 2 cm or smaller.",
    "T3c": "Spread to the lining of the belly outside the pelvis, larger than 2 cm.",
}
T_BY_CANCER["pancreas"] = {
    "Tis": "Cancer cells that have not invaded (carcinoma in situ), such as high-grade PanIN.",
    "T1": "The tumor is 2 cm or smaller.",
    "T1a": "The tumor is 0.5 cm or smaller.",
    "T1b": "The tumor is more than 0.5 cm and less than 1 cm.",
    "T1c": "The tumor is 1 cm to 2 cm.",
    "T2": "The tumor is more than 2 cm and up to 4 cm.",
    "T3": "The tumor is more than 4 cm.",
    "T4": "The tumor, of any size, has grown around one of the main arteries near the "
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
    "N0(i+)": "Only isolated tumor cells were found in a lymph node: tiny groups of cells no "
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
    "tumor. The exact meaning depends on the type of cancer.",
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
        "N1": "Cancer in 1 to 3 nearby lymph nodes. Or tumor deposits in the fat near the "
        "bowel, with no cancer in the nodes.",
        "N1a": "Cancer in 1 nearby lymph node.",
        "N1b": "Cancer in 2 or 3 nearby lymph nodes.",
        "N1c": "No lymph node has cancer, but there are tumor deposits: small separate nests of "
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
        "N0(i+)": "In melanoma, any tumor cells in a lymph node make it positive, even a few "
        "isolated cells. Ask how this was staged.",
        "N1": "Cancer in one nearby lymph node. In melanoma, even a few tumor cells count. "
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
        "M1a": "Separate tumors in the other lung. Or cancer in the lining of the lung or "
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
    "m": "The letter m means there was more than one tumor in the same organ. The tumor with "
    "the highest T category sets the T.",
}
