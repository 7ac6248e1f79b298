"""Plain words for the agreement reader: what each kind of clause means, and what to ask.

Keyed by clause kind and by condition (the clause as found, unfavourable, vague, missing), so
the reader's code holds conditions only. Nothing here says whether to sign.
"""

KINDS: tuple[str, ...] = (
    "fee",
    "included",
    "extra_charges",
    "insurance",
    "refund",
    "reviewer",
    "local_doctor",
    "turnaround",
    "records",
    "no_relationship",
    "data_use",
    "retention",
    "liability",
    "recording",
)

LABELS: dict[str, str] = {
    "fee": "Price",
    "included": "What the price includes",
    "extra_charges": "Extra charges",
    "insurance": "Insurance and financial help",
    "refund": "Refunds and canceling",
    "reviewer": "Who reviews your case",
    "local_doctor": "Talking with your own doctor",
    "turnaround": "When the answer comes",
    "records": "Records they need",
    "no_relationship": "Not your doctor, not for emergencies",
    "data_use": "How your information is used",
    "retention": "How long records are kept",
    "liability": "Limits on what you can claim",
    "recording": "Recording of calls or video visits",
}

EXPLANATIONS: dict[str, dict[str, str]] = {
    "fee": {
        "clause": "These words are about the price and when you are charged.",
        "vague": "They do not give an amount you can rely on.",
    },
    "included": {
        "clause": "These words say what the price pays for, such as a written report or a call.",
        "vague": "They do not say exactly what you will get.",
    },
    "extra_charges": {
        "clause": "These words say what costs more than the main price.",
        "vague": "They say more may be charged without saying for what or how much.",
    },
    "insurance": {
        "clause": "These words are about insurance, being paid back, or help paying.",
        "vague": "They do not say clearly whether insurance or help applies to you.",
    },
    "refund": {
        "clause": "These words say when you can cancel and whether money comes back.",
        "unfavourable": "They say you get no money back, or only a credit for later use.",
        "vague": "They do not say clearly when money comes back.",
    },
    "reviewer": {
        "clause": "These words say who will review your case.",
        "unfavourable": (
            "They say the reviewing doctor's name is not given to you. The guide says not to "
            "go ahead with a service that will not name the doctor."
        ),
        "vague": "They do not say who the reviewer is or that the reviewer is a doctor.",
    },
    "local_doctor": {
        "clause": "These words say whether the reviewer will talk with your own doctor.",
        "vague": "They say this may happen, but not when, or what it costs.",
    },
    "turnaround": {
        "clause": "These words say when the answer should come.",
        "vague": "They give no firm time you can plan around.",
    },
    "records": {
        "clause": "These words say which records are needed and how they are sent.",
        "vague": "They do not say which records are needed.",
    },
    "no_relationship": {
        "clause": (
            "These words say the reviewer does not become your doctor and the service is not "
            "for emergencies. Your own doctors stay in charge of your care."
        ),
    },
    "data_use": {
        "clause": "These words say how your health information is used or shared.",
        "unfavourable": (
            "They allow your information to be sold, or shared with partners for marketing."
        ),
        "vague": "They do not say what is done with your information.",
    },
    "retention": {
        "clause": "These words say how long your records are kept, or whether they are deleted.",
        "vague": "They give no time limit you can rely on.",
    },
    "liability": {
        "clause": "These words limit what the service is responsible for, or how disputes go.",
        "unfavourable": (
            "They take a right away: disputes go to private binding arbitration instead of a "
            "court, or you give up a class action or a jury trial."
        ),
    },
    "recording": {
        "clause": "These words say whether calls or video visits are recorded.",
        "vague": "They do not say clearly when recording happens.",
    },
}

QUESTIONS: dict[str, dict[str, str]] = {
    "fee": {
        "missing": "What is the total price, and when will I be charged?",
        "vague": "What is the exact price, in dollars, before I agree?",
    },
    "included": {
        "missing": "What does the price include: a written report? A call with the reviewing doctor?",
        "vague": "Exactly what will I receive for the price: a written report, a call, follow-up questions?",
    },
    "extra_charges": {
        "missing": "What costs extra (more calls, slide or image re-reads, faster service), and how much?",
        "vague": "Which extra services cost more, and what does each cost?",
    },
    "insurance": {
        "missing": "Will my insurance pay any of this? Is there financial help or a scholarship?",
        "vague": "Will my insurance pay any of this, and can you give me a receipt to ask for repayment?",
    },
    "refund": {
        "missing": "If I cancel, or you cannot review my case, do I get my money back?",
        "unfavourable": "The agreement says there is no refund, or only a credit. Is there any case where I get money back?",
        "vague": "Exactly when would I get my money back if I cancel?",
    },
    "reviewer": {
        "missing": "What is the name of the doctor who will review my case, and where do they work now?",
        "unfavourable": "The agreement withholds the reviewing doctor's name. Will you tell me the doctor's name and where they work now?",
        "vague": "Will a doctor who treats my cancer review my case, and what is their name?",
    },
    "local_doctor": {
        "missing": "Will the reviewing doctor talk with my own doctor if needed? Is there a charge?",
        "vague": "When would the reviewing doctor talk with my own doctor, and would it cost extra?",
    },
    "turnaround": {
        "missing": "How many days after you have my records will I get the answer?",
        "vague": "What is the latest date I should expect the answer, counted from when?",
    },
    "records": {
        "missing": "Which records do you need, and how and where do I send them?",
        "vague": "Which records exactly do you need, and how do I send them?",
    },
    "no_relationship": {
        "missing": "Will the reviewing doctor become my doctor, or only give an opinion?",
    },
    "data_use": {
        "missing": "How will my health information be used? Is it ever shared or sold?",
        "unfavourable": "The agreement lets my information be sold or shared for marketing. Can I say no to that and still use the service?",
        "vague": "Who will see my health information, and is it ever shared or sold?",
    },
    "retention": {
        "missing": "How long will you keep my records, and can I ask you to delete them?",
        "vague": "How many years will you keep my records, and can I ask you to delete them?",
    },
    "liability": {
        "missing": "If something goes wrong, what can I do?",
        "unfavourable": "The agreement sends disputes to binding arbitration or waives a class action or jury trial. Can I opt out, and how?",
    },
    "recording": {
        "missing": "Are calls or video visits recorded? Can I get a copy, or say no?",
        "vague": "When are calls recorded, and can I say no?",
    },
}
