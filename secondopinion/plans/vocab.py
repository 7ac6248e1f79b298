"""Vocabularies the plan reader uses beside the drug lexicon (pure data and regexes).

Each term is written once here: surgery and radiation procedures (with the family they belong
to, so "lumpectomy" and "mastectomy" are compared but "lumpectomy" and "sentinel node biopsy"
are not), unspecific treatment words ("chemo", "hormone pills"), tests and work-up, supportive
care, surveillance, trials, durations, and the cue words for order, hedging, refusal, history
and agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secondopinion.core import words

F = re.IGNORECASE


@dataclass(frozen=True)
class Term:
    """A vocabulary entry: what a matching phrase means."""

    modality: str  # a contract modality, or "test"
    procedure: str | None = None  # normalised procedure, test kind, or None when unspecific
    family: str = ""  # procedures in one family are alternatives to each other
    parent: str | None = None  # a more general procedure this one refines
    extra: tuple[str, ...] = ()  # further modalities named by the same words ("chemoradiation")


# --- surgery -------------------------------------------------------------------------------
# (regex, procedure, family, parent)
SURGERY = [
    (
        r"bilateral\s+(?:total\s+|simple\s+|skin[- ]sparing\s+|nipple[- ]sparing\s+)?mastectom(?:y|ies)|double\s+mastectomy",
        "bilateral mastectomy",
        "breast",
        None,
    ),
    (
        r"(?:partial|segmental)\s+mastectomy|lumpectom(?:y|ies)|breast[- ]conserv(?:ing|ation)(?:\s+(?:surgery|therapy))?|\bBCS\b|quadrantectomy|wide\s+local\s+excision\s+of\s+the\s+breast",
        "lumpectomy",
        "breast",
        None,
    ),
    (
        r"(?:modified\s+radical\s+|simple\s+|total\s+|skin[- ]sparing\s+|nipple[- ]sparing\s+|unilateral\s+)?mastectom(?:y|ies)",
        "mastectomy",
        "breast",
        None,
    ),
    (r"re-?excision", "re-excision", "breast-margin", None),
    (
        r"sentin[ae]l\s+(?:lymph\s+)?(?:node|LN)s?\s+(?:biops(?:y|ies)|mapping|dissection|sampling)|\bSLNB\b|\bSNB\b|sentin[ae]l\s+node",
        "sentinel node biopsy",
        "axilla",
        None,
    ),
    (
        r"axillary\s+(?:lymph\s+)?(?:node\s+)?dissection|\bALND\b|axillary\s+clearance",
        "axillary dissection",
        "axilla",
        None,
    ),
    (r"(?:radical|total|complete)\s+nephrectomy", "radical nephrectomy", "kidney", "nephrectomy"),
    (
        r"(?:partial|nephron[- ]sparing)\s+nephrectomy|nephron[- ]sparing\s+surgery",
        "partial nephrectomy",
        "kidney",
        "nephrectomy",
    ),
    (
        r"nephrectomy|(?:take|taking|remove|removing)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:whole\s+)?kidney(?:\s+out)?|kidney\s+removal|kidney\s+(?:was\s+)?removed",
        "nephrectomy",
        "kidney",
        None,
    ),
    (
        r"(?:robotic\s+|laparoscopic\s+|open\s+)?(?:radical\s+)?prostatectom(?:y|ies)|\bRALP\b|\bRARP\b",
        "radical prostatectomy",
        "prostate",
        None,
    ),
    (r"pneumonectomy", "pneumonectomy", "lung", None),
    (
        r"(?:segmentectomy|wedge\s+resection|sublobar\s+resection)",
        "sublobar resection",
        "lung",
        None,
    ),
    (
        r"(?:thyroid\s+lobectomy|hemithyroidectomy|lobectomy\s+of\s+the\s+thyroid)",
        "thyroid lobectomy",
        "thyroid",
        "thyroidectomy",
    ),
    (
        r"(?:total|near[- ]total|completion)\s+thyroidectomy",
        "total thyroidectomy",
        "thyroid",
        "thyroidectomy",
    ),
    (r"thyroidectomy", "thyroidectomy", "thyroid", None),
    (r"(?:(?:robotic|VATS|open)\s+)?(?:lung\s+)?lobectomy", "lobectomy", "lung", None),
    (
        r"whipple(?:\s+procedure)?|pancreaticoduodenectomy|pancreatoduodenectomy",
        "whipple",
        "pancreas",
        None,
    ),
    (r"distal\s+pancreatectomy", "distal pancreatectomy", "pancreas", None),
    (
        r"(?:right|left|extended\s+right)\s+hemicolectomy|sigmoid(?:ectomy|\s+colectomy)",
        "partial colectomy",
        "colon",
        "colectomy",
    ),
    (
        r"(?:total\s+|sub-?total\s+|partial\s+|laparoscopic\s+)?colectomy|hemicolectomy|colon\s+resection|bowel\s+resection",
        "colectomy",
        "colon",
        None,
    ),
    (
        r"low\s+anterior\s+resection|\bLAR\b|total\s+mesorectal\s+excision|\bTME\b",
        "rectal resection",
        "rectum",
        None,
    ),
    (r"abdominoperineal\s+resection|\bAPR\b", "abdominoperineal resection", "rectum", None),
    (
        r"(?:total\s+|radical\s+|robotic\s+|laparoscopic\s+)?hysterectom(?:y|ies)(?:\s+(?:and|with)\s+(?:bilateral\s+)?salpingo-?oophorectomy)?|\bTAH(?:[- /]?BSO)?\b|\bTLH\b",
        "hysterectomy",
        "uterus",
        None,
    ),
    (r"(?:bilateral\s+)?salpingo-?oophorectomy|\bBSO\b", "salpingo-oophorectomy", "adnexa", None),
    (
        r"(?:primary\s+|interval\s+)?(?:debulking|cytoreducti(?:ve|on))(?:\s+surgery)?",
        "debulking surgery",
        "peritoneum",
        None,
    ),
    (
        r"(?:radical\s+)?cystectomy|(?:remove|removing|take\s+out|taking\s+out)\s+(?:the\s+|her\s+|his\s+|my\s+)?bladder|bladder\s+removal|bladder\s+(?:was\s+)?removed",
        "cystectomy",
        "bladder",
        None,
    ),
    (
        r"\bTURBT\b|transurethral\s+resection(?:\s+of\s+(?:the\s+)?bladder\s+tumou?r)?",
        "TURBT",
        "bladder-endoscopic",
        None,
    ),
    (
        r"(?:modified\s+radical\s+|selective\s+|bilateral\s+)?neck\s+dissection",
        "neck dissection",
        "neck",
        None,
    ),
    (r"transoral\s+robotic\s+surgery|\bTORS\b", "transoral surgery", "head-neck-primary", None),
    (r"laryngectomy", "laryngectomy", "head-neck-primary", None),
    (r"wide\s+(?:local\s+)?excision|\bWLE\b", "wide local excision", "skin", None),
    (r"mohs(?:\s+surgery)?", "mohs surgery", "skin", None),
    (r"(?:total\s+|partial\s+|sub-?total\s+)?gastrectomy", "gastrectomy", "stomach", None),
    (r"esophagectomy|oesophagectomy", "esophagectomy", "esophagus", None),
    (r"hepatectomy|liver\s+resection|metastasectomy", "liver resection", "liver", None),
    (r"orchiectomy|orchidectomy", "orchiectomy", "testis", None),
    (r"amputation", "amputation", "limb", None),
    (
        r"(?:autologous\s+|allogeneic\s+|stem[- ]cell\s+|bone\s+marrow\s+)*transplant(?:ation)?(?![- ]?(?:in)?eligib)|\bASCT\b|\bSCT\b",
        "stem cell transplant",
        "transplant",
        None,
    ),
]
# Surgery named without a kind: counts as surgery, not specific enough to compare.
SURGERY_UNSPECIFIC = r"(?:definitive\s+|primary\s+|curative\s+)?(?:surgery|surgical\s+resection|resection|operation|an\s+operation)|\bop\b|surgury|surgey"

# --- radiation -----------------------------------------------------------------------------
# (regex, procedure, axis): a technique or a target; only the same axis is compared.
RADIATION = [
    (
        r"\bSBRT\b|\bSABR\b|stereotactic\s+(?:body\s+|ablative\s+)?(?:radiation|radiotherapy|radiosurgery)(?:\s+therapy)?|\bSRS\b|radiosurgery|gamma\s+knife|cyberknife",
        "SBRT",
        "technique",
    ),
    (r"proton(?:\s+beam)?(?:\s+(?:therapy|radiation|radiotherapy))?", "proton", "technique"),
    (
        r"(?:HDR\s+|LDR\s+|high[- ]dose[- ]rate\s+|low[- ]dose[- ]rate\s+)?brachytherapy|seed\s+implants?|vaginal\s+cuff\s+brachy\w*",
        "brachytherapy",
        "technique",
    ),
    (
        r"\bIMRT\b|intensity[- ]modulated(?:\s+(?:radiation|radiotherapy))?(?:\s+therapy)?|\bVMAT\b",
        "IMRT",
        "technique",
    ),
    (
        r"whole[- ]breast(?:\s+(?:radiation|radiotherapy|irradiation|RT))?|\bWBRT\b(?=.{0,20}breast)",
        "whole-breast",
        "target-breast",
    ),
    (
        r"(?:accelerated\s+)?partial[- ]breast(?:\s+(?:radiation|radiotherapy|irradiation))?|\bAPBI\b|\bPBI\b",
        "partial-breast",
        "target-breast",
    ),
    (r"whole[- ]brain(?:\s+(?:radiation|radiotherapy))?", "whole-brain", "target-brain"),
]
RADIATION_UNSPECIFIC = (
    r"(?:external[- ]beam\s+|adjuvant\s+|post[- ]?(?:operative|mastectomy)\s+|pelvic\s+|chest\s+wall\s+)?"
    r"(?:radiation(?:\s+therapy|\s+treatments?)?|radiotherapy|irradiation|radiatoin|raditation|radation)"
    r"|\bXRT\b|\bEBRT\b|\bRT\b|\bPMRT\b|\bradiation\b|\brads\b"
)
CHEMORADIATION = r"chemo-?\s?radi(?:ation|otherapy)(?:\s+therapy)?|\bCRT\b|chemo\s*(?:and|\+|&|with)\s*radiation(?:\s+together)?"

# procedure -> (family or axis, more general procedure it refines)
PROCEDURE_TREE: dict[str, tuple[str, str | None]] = {
    **{proc: (family, parent) for _r, proc, family, parent in SURGERY},
    "thyroid lobectomy": ("thyroid", "thyroidectomy"),
    **{proc: (axis, None) for _r, proc, axis in RADIATION},
}

# --- unspecific drug treatment -------------------------------------------------------------
# (regex, modality, the drug class the words stand for, or None for any drug of the modality)
UNSPECIFIC = [
    (
        r"chemo(?:therapy)?|chemotheraphy|chemotherepy|chemo\s+therapy|cytotoxic\s+(?:therapy|treatment)",
        "chemotherapy",
        None,
    ),
    (
        r"(?:hormone|hormonal|endocrine|anti-?hormone|anti-?estrogen)\s+(?:therapy|treatment|pills?|tablets?|blockers?|medicine)",
        "endocrine",
        None,
    ),
    (
        r"\bADT\b|androgen[- ]deprivation(?:\s+therapy)?|hormone\s+(?:shots?|injections?)"
        r"|ovarian\s+(?:function\s+)?suppression|\bOFS\b|medical\s+castration",
        "endocrine",
        "GnRH",
    ),
    (
        r"aromatase\s+inhibitors?|\bAIs?\b(?=\s+(?:pills?|tablets?|therapy|treatment|for\b))",
        "endocrine",
        "aromatase inhibitor",
    ),
    (r"immunotherapy|immune\s+therapy|checkpoint\s+inhibitors?|immuno\b", "immunotherapy", None),
    (r"targeted\s+(?:therapy|treatment|drugs?|pills?)", "targeted", None),
]
# Common misspellings of the core words, read as the word itself (one typo, 6+ letters).
CORE_WORDS = {
    "radiation": ("radiation", None),
    "radiotherapy": ("radiation", None),
    "chemotherapy": ("chemotherapy", None),
    "surgery": ("surgery", None),
    "lumpectomy": ("surgery", "lumpectomy"),
    "mastectomy": ("surgery", "mastectomy"),
    "prostatectomy": ("surgery", "radical prostatectomy"),
    "nephrectomy": ("surgery", "nephrectomy"),
    "hysterectomy": ("surgery", "hysterectomy"),
    "colectomy": ("surgery", "colectomy"),
    "thyroidectomy": ("surgery", "thyroidectomy"),
    "immunotherapy": ("immunotherapy", None),
    "brachytherapy": ("radiation", "brachytherapy"),
}

# --- tests and work-up (modality "test"; procedure is the kind) ------------------------------
TESTS = [
    (
        r"(?:21|twenty-one)[- ]gene(?:\s+(?:recurrence\s+score|assay|test))?|oncotype(?:\s*dx)?|recurrence\s+score(?:\s+testing)?",
        "21-gene recurrence score",
    ),
    (r"mammaprint|70[- ]gene", "mammaprint"),
    (
        r"prosigna|endopredict|breast\s+cancer\s+index|decipher|prolaris|genomic\s+(?:classifier|assay|testing)",
        "genomic assay",
    ),
    (
        r"germ-?line\s+(?:genetic\s+)?(?:testing|test|panel|evaluation)|genetic\s+(?:testing|counsel+ing|evaluation|test)|BRCA\s+testing|hereditary\s+(?:cancer\s+)?(?:testing|panel)",
        "germline genetic testing",
    ),
    (
        r"(?:tumou?r|somatic|comprehensive|next[- ]generation)\s+(?:genomic\s+)?(?:NGS|sequencing|profiling|genomic\s+profiling)|\bNGS\b|molecular\s+(?:profiling|testing)|foundation\s*one|biomarker\s+testing|genomic\s+profiling",
        "tumour sequencing",
    ),
    (r"\bctDNA\b|liquid\s+biopsy|signatera|circulating\s+tumou?r\s+DNA", "ctDNA"),
    (
        r"\bMSI\b|\bMMR\b|\bdMMR\b|mismatch[- ]repair|microsatellite\s+instability",
        "MMR/MSI testing",
    ),
    (r"\bPD-?L1\b(?:\s+(?:testing|staining|IHC))?", "PD-L1 testing"),
    (r"\bHER2\s+(?:testing|retesting|FISH)|\bFISH\b", "HER2 testing"),
    (r"\bPSMA\b(?:[- ]PET(?:[-/ ]CT)?)?(?:\s+scan)?", "PSMA PET"),
    (r"\bPET(?:[-/ ]?CT)?\b(?:\s+scan)?|\bFDG\b", "PET-CT"),
    (
        r"\bMRI\b(?:\s+(?:of\s+the\s+\w+|scan))?|\bMR\b\s+imaging|magnetic\s+resonance|\bmpMRI\b",
        "MRI",
    ),
    (r"\bCT\b(?:\s+scans?)?|CAT\s+scan|computed\s+tomography", "CT"),
    (r"bone\s+scan|bone\s+scintigraphy", "bone scan"),
    (
        r"(?:core\s+(?:needle\s+)?|needle\s+|excisional\s+|incisional\s+|repeat\s+|tissue\s+|confirmatory\s+|liver\s+|lymph\s+node\s+|node\s+)?biops(?:y|ies)(?!\s+(?:showed|result))",
        "biopsy",
    ),
    (
        r"(?:re-?review|second\s+review|review|re-?read)\s+of\s+(?:the\s+)?(?:slides|pathology|biopsy|specimen)|(?:expert\s+|central\s+)?pathology\s+(?:re-?)?review|slides?\s+(?:re-?)?reviewed|\bre-?review\b",
        "pathology review",
    ),
    (r"echocardiogram|\becho\b|\bMUGA\b", "heart scan"),
    (r"bone\s+density|\bDEXA\b|\bDXA\b", "bone density"),
    (r"(?:breast\s+)?ultrasound|mammogra(?:m|phy)", "breast imaging"),
    (
        r"colonoscopy|endoscopic\s+ultrasound|\bEUS\b|endoscopy|cystoscopy|bronchoscopy|\bEBUS\b|mediastinoscopy",
        "endoscopy",
    ),
    (r"\bCA[- ]?125\b|\bCEA\b|\bPSA\b\s+(?:testing|check)|tumou?r\s+markers?", "tumour markers"),
    (r"pulmonary\s+function\s+tests?|\bPFTs?\b", "lung function"),
    (r"(?:audiogram|hearing\s+test)", "hearing test"),
    (r"dental\s+(?:evaluation|exam|assessment|clearance)", "dental evaluation"),
    (
        r"fertility\s+(?:preservation\s+)?(?:consult\w*|counsel\w*|referral)",
        "fertility consultation",
    ),
    (r"(?:FR(?:α|alpha|a)|folate\s+receptor(?:\s+alpha)?)\s+(?:testing|test|IHC)", "FRα testing"),
    (r"(?:claudin|CLDN)\s*18(?:\.2)?\s+(?:testing|test|IHC)", "claudin 18.2 testing"),
]
# Any other "<marker> testing" or "<name> assay" is a test too, of its own kind.
GENERIC_TEST = r"(?:[A-Z][A-Za-z0-9α/.-]{1,15})\s+(?:testing|assay|staining|IHC)"
# Follow-up scans are monitoring, not new work-up: kept as tests but never "test_added".
FOLLOW_UP = r"(?:surveillance|follow-?up)\s+(?:scans?|imaging|CTs?|MRIs?)|(?:MRI|CT|imaging|scan|PSA|skin|ultrasound)\s+(?:surveillance|follow-?up|checks?|monitoring)|scans?\s+every\s+\d+\s+months?|(?:just\s+)?(?:regular\s+)?scans\b"

SUPPORTIVE = (
    r"growth[- ]factor(?:\s+support)?|\bG-?CSF\b|white\s+(?:blood\s+)?cell\s+(?:booster|shots?)"
    r"|anti-?emetics?|anti-?sickness(?:\s+medicine)?|anti-?nausea(?:\s+(?:medicine|meds|medication))?"
    r"|vitamins?(?:\s+[BD]\d*)?|calcium\s+and\s+vitamin\s+D|folic\s+acid"
    r"|antiviral\s+(?:prophylaxis|cover|cover(?:age)?)|(?:hepatitis\s+B|HBV)\s+prophylaxis|entecavir|acyclovir|valacyclovir"
    r"|bone[- ](?:modifying|strengthening|protective)\s+(?:agents?|therapy|drugs?)|bisphosphonates?"
    r"|scalp\s+cooling|cold\s+cap|physical\s+therapy|physiotherapy|counsel+ing|nutrition(?:al)?\s+support|pain\s+(?:control|management)"
)
SURVEILLANCE = (
    r"active\s+surveillance|watchful\s+waiting|watch(?:\s+and|\s*&)\s+wait|expectant\s+management"
)
TRIAL = r"clinical\s+trials?|(?:a|an)\s+(?:\w+\s+)?trial\b|research\s+stud(?:y|ies)|trial\s+(?:enrol+ment|participation)|enrol+\w*\s+(?:in|on)\s+(?:a\s+)?(?:study|trial)"

# --- durations -----------------------------------------------------------------------------
NUMBER_WORDS: dict[str, float] = {
    "a": 1,
    "an": 1,
    **words.NUMBER_WORDS,
    "twenty-four": 24,
    "half": 0.5,
}
_NUM = (
    r"(?:\d+(?:\.\d+)?|"
    + "|".join(sorted((re.escape(k) for k in NUMBER_WORDS), key=len, reverse=True))
    + r")"
)
_UNIT = r"(?:years?|yrs?|y|months?|mos?|mths?|weeks?|wks?|days?)"
# A bare amount of time: "5 years", "3-4 weeks", "a year", "18-month", "one year".
AMOUNT = re.compile(
    rf"\b(?P<n>{_NUM})(?:\s*(?:-|to|–)\s*(?P<n2>{_NUM}))?[\s-]*(?P<unit>{_UNIT})\b", F
)
# Amounts that are schedules, not durations: "every 3 weeks", "q3 weeks", "3 weeks on 1 off",
# "within 6 weeks", "in 2 weeks", "for the past", "ago".
SCHEDULE_BEFORE = re.compile(
    r"(?:every|each|q|per|within|in|ago|past|last|next|about\s+every|once\s+every|every\s+other)\s*$",
    F,
)
SCHEDULE_AFTER = re.compile(
    r"^\s*(?:on\b|off\b|ago\b|apart\b|later\b|after\s+(?:surgery|the|her|his|my)|before\b|from\b|post\b|of\s+(?:rest|recovery|healing)|old\b)",
    F,
)

# --- cues ----------------------------------------------------------------------------------
THEN = re.compile(
    r"\b(?:then|followed\s+by|afterwards?|after\s+that|after\s+which|subsequently|thereafter|next(?:\s+is|\s+step)?|later|and\s+then|to\s+be\s+followed\s+by)\b|→|->|>(?=\s)",
    F,
)
AFTER = re.compile(
    r"\b(?:after|following|post|once|upon\s+completion\s+of|on\s+completion\s+of|after\s+completing|completion\s+of)\b[\s-]*(?:the\s+|her\s+|his\s+|my\s+|your\s+|a\s+|complete\s+|definitive\s+)*$",
    F,
)
BEFORE = re.compile(
    r"\b(?:before|prior\s+to|ahead\s+of|preceding)\b\s*(?:the\s+|her\s+|his\s+|my\s+|your\s+|a\s+|any\s+|definitive\s+)*$",
    F,
)
NEOADJUVANT = re.compile(
    r"\b(?:neo-?adjuvant|peri-?operative|pre-?operative|preop|total\s+neoadjuvant)\b", F
)
ADJUVANT = re.compile(r"\b(?:(?<!neo)(?<!neo-)adjuvant|post-?operative|postop)\b", F)

HEDGE = re.compile(
    r"\b(?:consider(?:ed|ing)?|could|may|might|reasonable|an?\s+option|optional|would\s+(?:favou?r|suggest|prefer)|discuss(?:ed|ion)?|possibly|perhaps|if\s+\w+)\b",
    F,
)
# Refusal before the treatment it refuses ("I would not recommend X", "over X", "instead of X").
REFUSE_BEFORE = re.compile(
    r"(?:\b(?:not|n't|never)\s+(?:\w+\s+){0,2}?(?:recommend(?:ed)?|advise[d]?|suggest(?:ed)?|need(?:ed)?|give|offer|add|use|proceed\s+with|do|pursue|include)(?:ing)?"
    r"|\b(?:over|instead\s+of|rather\s+than|in\s+place\s+of|replacing|replaces|in\s+lieu\s+of|as\s+opposed\s+to|avoid(?:ing)?|not\s+(?:a\s+)?(?:good\s+)?candidate\s+for|unfit\s+for|(?:in)?eligible\s+for|too\s+(?:frail|weak|sick)\s+for|unable\s+to\s+(?:have|tolerate|receive|get)|can(?:no|')t\s+(?:have|tolerate|receive|get)|(?:does|do)(?:\s+not|n't)\s+want|omit(?:ting)?|omission\s+of|forgo(?:ing)?|skip(?:ping)?|decline[ds]?|declining|refuse[ds]?|without|de-?escalat\w+\s+(?:of|from)|no\s+(?:need\s+for|role\s+for|indication\s+for|benefit\s+(?:from|of|to))|against)"
    r"|\bno\b|\bnot\b)"
    r"(?:\s+(?:\w+\s+){0,2}?)?\s*$",
    F,
)
# "Not" that keeps the treatment: "I would not change the chemotherapy", "no need to stop X".
KEEP_BEFORE = re.compile(
    r"\b(?:not|n't|no|never)\s+(?:\w+\s+){0,2}?(?:change|changes|changing|alter|stop|stopping|"
    r"modify|switch|delay|delaying|hold|interrupt|reduce|shorten|only|less|fewer|later|see\s+a\s+reason\s+to\s+(?:stop|change))\b"
    r"|\bno\s+(?:change|changes|modification)s?\s+(?:to|in)\b",
    F,
)
# Refusal after the treatment ("X is not needed", "X adds no benefit", "no X needed").
REFUSE_AFTER = re.compile(
    r"^[\s,]*(?:\([^)]{0,80}\)\s*)?(?:[A-Za-z-]+\s+){0,2}?(?:(?:alone\s+)?(?:is|are|was|would\s+be|will\s+be|should\s+be|can\s+be|could\s+be|would|seems?)?\s*(?:not|n't|un)\s*(?:really\s+|strictly\s+|routinely\s+|be\s+)?(?:needed|necessary|recommended|indicated|required|warranted|advised|beneficial|helpful|appropriate|an\s+option|useful|justified|benefit)"
    r"|(?:is|are|would\s+be)?\s*(?:contraindicated|unnecessary|not\s+(?:a\s+)?good\s+(?:idea|option)|inappropriate|of\s+no\s+benefit|overtreatment|too\s+toxic)"
    r"|(?:adds?|offers?|gives?|provides?|has|have|would\s+add)\s+(?:little|no|minimal)\s+(?:\w+\s+)?(?:benefit|value|advantage)"
    r"|(?:can|could|should|may)\s+(?:safely\s+)?be\s+(?:omitted|avoided|skipped|dropped|spared|stopped|deferred)"
    r"|(?:needed|required)\s*$|not\s+needed|isn't\s+needed|not\s+recommended|not\s+indicated|not\s+required)",
    F,
)
HISTORY_AFTER = re.compile(
    r"^[\s,]*(?:\([^)]{0,60}\)\s*)?(?:(?:was|were|has\s+been|have\s+been|is|already)\s+)?(?:done|completed|performed|finished|removed|taken\s+out|already\s+done|showed|shows|found|revealed|pathology|path\s+report|results?|went\s+well|last\s+(?:week|month|year)|(?:\d+|two|three|four|six)\s+(?:weeks?|months?|years?)\s+ago|in\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|20\d\d))\b",
    F,
)
HISTORY_BEFORE = re.compile(
    r"(?:\bs/p\b|\bstatus\s+post\b|\balready\s+(?:had|has|underwent|did|received|done)|\b(?:had|has\s+had|underwent|received|completed|finished|did|was\s+treated\s+with|they\s+did|I\s+had|she\s+had|he\s+had|got)\b|\bprior\b|\bprevious(?:ly)?\b|\bafter\s+(?:her|his|my|your)\b)(?:\s+\S+){0,3}?\s*$",
    F,
)
AGREE_ALL = re.compile(
    r"\b(?:agree|concur|endorse|support)\w*\s+(?:fully\s+|entirely\s+|completely\s+)?with\s+(?:the\s+|your\s+|her\s+|his\s+|this\s+)?(?:\w+\s+){0,3}?(?:plan|approach|recommendations?|management)\b"
    r"|\b(?:plan|approach)\s+(?:is\s+)?(?:as\s+(?:proposed|outlined|planned)|appropriate|reasonable|sound|standard\s+of\s+care)"
    r"|\b(?:I\s+)?(?:fully\s+)?(?:agree|concur)\.?\s*$|\bno\s+changes?\s+(?:to\s+the\s+plan|recommended|needed)",
    F,
)
# Named as one possible option, or left to a later decision: neither added nor omitted.
OPTION_SENTENCE = re.compile(
    r"\b(?:(?:an?\s+)?(?:equally\s+(?:good|reasonable|effective)\s+)?alternative(?:ly)?|either\s+(?:is|would\s+be|option)|equally\s+(?:good|reasonable|effective)"
    r"|equivalent\s+(?:choice|option|alternative)|optional|not\s+insist|(?:is|are)\s+also\s+(?:an\s+)?(?:option|possible)"
    r"|(?:are\s+)?both\s+(?:standard|reasonable|acceptable|options|appropriate))\b",
    F,
)
OPTION_BEFORE = re.compile(
    r"\b(?:decid(?:e|ing)|decision)\s+(?:about|on|whether\s+to\s+(?:give|have|add|use))\s+(?:the\s+|any\s+|further\s+|adjuvant\s+)*$|\bwhether\s+(?:to\s+(?:give|have|add|use)\s+)?(?:the\s+|any\s+)?$",
    F,
)
CONDITIONAL_BEFORE = re.compile(
    r"\b(?:if|otherwise|depending\s+on|in\s+case|should\s+there|unless)\b[^,;.]{0,40}$", F
)
CONDITIONAL_AFTER = re.compile(
    r"^[^,;.]{0,25}?\b(?:if|unless|depending|in\s+case)\b|^\s*(?:eligibility|candidacy)\b", F
)
# An alternative the writer then recommends: "a standard alternative, and I recommend it".
RECOMMEND_IT = re.compile(
    r"\b(?:recommend|favou?r|prefer|suggest|advise|endorse)\s+(?:it|this|them|that(?:\s+approach)?)\b",
    F,
)

AS_PLANNED = re.compile(r"\bas\s+(?:planned|proposed|outlined|recommended|scheduled)\b", F)
RESULT = re.compile(
    r"\b(?:came\s+back|showed|shows|showing|result(?:s|ed)?|was|were|is|of\s+\d+|score\s+(?:of\s+)?\d+|\d+\s*%|negative|positive|revealed|confirmed|done|normal|high|low|found)\b",
    F,
)
ASK = re.compile(
    r"\b(?:recommend\w*|suggest\w*|should|would|need(?:s|ed)?|order\w*|obtain\w*|send\w*|request\w*|get|getting|arrange\w*|perform\w*|consider\w*|advise\w*|worth|reasonable|please|must|check\w*|repeat\w*|refer\w*|plan(?:ned)?)\b",
    F,
)
# Words that show a clause is about treatment, used to list what could not be read.
TREATMENT_WORDS = re.compile(
    r"\b(?:therapy|therap(?:ies)|treatment|regimen|protocol|chemo\w*|cycles?|mg|mg/m2|daily|infusions?|doses?|weekly|maintenance|pills?|shots?|injections?|tablets?|drugs?|medicines?|medications?|tx|every\s+\d+\s+(?:days|weeks)|q\d+w|x\s?\d+)\b",
    F,
)
UPPER_TOKEN = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b")
# Capitalised words that are not treatments: biomarkers, staging, units, people, places.
NOT_TREATMENT_ACRONYMS = frozenset(
    """ER PR HER2 HER EGFR ALK ROS1 KRAS NRAS BRAF V600E V600 PSA CA MSI MMR PD PDL1 L1 TMB HRD BRCA BRCA1 BRCA2
    HPV EBV DLBCL RCC NSCLC SCLC IDC ILC DCIS LCIS TNBC HR IPI ECOG KPS COPD FEV1 CrCl GFR eGFR CBC CMP LFT
    TNM AJCC FIGO WHO NCCN ASCO ESMO FDA NCI MD DO RN NP PA PhD Dr DR II III IV IA IB IIA IIB IIIA IIIB IIIC
    IVA IVB IVC T1 T2 T3 T4 N0 N1 N2 N3 M0 M1 pT1 pT2 pT3 pT4 pN0 pN1 pN2 pN3 cT1 cT2 cT3 cT4 cN0 cN1 Gy cGy
    IV IM SC PO BID TID QD Q2W Q3W Q4W OK US USA UK UTC AM PM ASAP FYI BMI CT MRI PET PSMA NGS FISH IHC
    ctDNA CEA CA125 CA19 AFP HCG LDH ANC GCSF UGT1A1 DPD DPYD ATM CHEK2 PALB2 TP53 PIK3CA ESR1 NTRK RET MET
    KIT PDGFRA FGFR FGFR2 FGFR3 IDH1 IDH2 FLT3 NPM1 JAK2 BCR ABL CD20 CD30 CD19 CD38 BCMA TROP2 HLA
    HIPEC TME LAR APR ALND SLNB SNB BCS WLE TURBT TORS RALP RARP BSO TAH TLH IMRT SBRT SABR SRS VMAT
    XRT EBRT RT PMRT CRT APBI PBI WBRT ADT OFS AS WW EUS EBUS MUGA DEXA DXA PFT PFTs NED CR PR SD PD ORR
    OS PFS DFS RFS EFS HR CI pCR RCB QOL I II ICU ER/PR LVSI GG ISUP PIN ASAP""".split()
)
