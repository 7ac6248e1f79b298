import pytest
from django.template import Context, Template

from secondopinion.cases.messages import wait_question
from secondopinion.core.words import count, dear, doctor_name, has_title, plural, sentence


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Alan Reyes", "Dr. Alan Reyes"),
        ("Dr. Alan Reyes", "Dr. Alan Reyes"),
        ("Dr Alan Reyes", "Dr Alan Reyes"),
        ("dr. alan reyes", "dr. alan reyes"),
        ("Doctor Alan Reyes", "Doctor Alan Reyes"),
        ("Prof. Ada Moreau", "Prof. Ada Moreau"),
        ("Professor Ada Moreau", "Professor Ada Moreau"),
        ("Alan Reyes, MD", "Alan Reyes, MD"),
        ("Alan Reyes M.D.", "Alan Reyes M.D."),
        ("Alan Reyes, DO", "Alan Reyes, DO"),
        ("Ada Moreau MD PhD", "Ada Moreau MD PhD"),
        ("  Alan   Reyes ", "Dr. Alan Reyes"),
        ("Drew Barry", "Dr. Drew Barry"),  # a first name that starts with "Dr" is not a title
        ("Do Van Minh", "Dr. Do Van Minh"),  # "Do" as a first name is not the degree
        ("Minh Do", "Dr. Minh Do"),  # the surname Do is not the degree DO
        ("Alan Reyes, md", "Alan Reyes, md"),
        ("", ""),
    ],
)
def test_it_adds_a_title_only_when_the_name_has_none(typed, printed):
    assert doctor_name(typed) == printed


def test_it_greets_a_doctor_once():
    assert dear("Dr. Alan Reyes") == "Dear Dr. Alan Reyes,"
    assert dear("Alan Reyes") == "Dear Dr. Alan Reyes,"
    assert dear("") == "Dear Doctor,"
    assert not has_title("Alan Reyes")


def test_the_message_to_the_treating_doctor_says_dr_once():
    text = wait_question(doctor_name="Dr. Alan Reyes", cancer_label="", patient_name="Ana")
    assert text.startswith("Dear Dr. Alan Reyes,\n")


@pytest.mark.parametrize(
    ("n", "args", "text"),
    [
        (0, ("scan",), "0 scans"),
        (1, ("scan",), "1 scan"),
        (2, ("scan",), "2 scans"),
        (1, ("study", "studies"), "1 study"),
        (3, ("study", "studies"), "3 studies"),
        (1200, ("image",), "1,200 images"),
        (1, ("series", "series"), "1 series"),
    ],
)
def test_it_counts_with_the_right_noun(n, args, text):
    assert count(n, *args) == text


def test_plural_is_the_noun_alone():
    assert plural(1, "is", "are") == "is"
    assert plural(4, "is", "are") == "are"


def test_the_template_filters_use_the_same_words():
    html = Template(
        '{% load words %}{{ a|doctor }}|{{ b|doctor }}|{{ one|count:"scan" }}|'
        '{{ many|count:"study,studies" }}|{{ miles|count:"mile" }}|{{ one|noun:"is,are" }}|'
        "{{ typed|sentence }}"
    ).render(
        Context(
            {
                "a": "Dr. Alan Reyes",
                "b": "Alan Reyes",
                "one": 1,
                "many": 5,
                "miles": 0.6,
                "typed": "Letrozole for 5 years.",
            }
        )
    )
    assert html == (
        "Dr. Alan Reyes|Dr. Alan Reyes|1 scan|5 studies|1 mile|is|Letrozole for 5 years."
    )


@pytest.mark.parametrize(
    ("typed", "closed"),
    [("for 5 years.", "for 5 years."), ("for 5 years", "for 5 years."), ("Why?", "Why?"), ("", "")],
)
def test_a_typed_sentence_gets_one_full_stop(typed, closed):
    assert sentence(typed) == closed
