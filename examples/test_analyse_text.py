"""Unit tests of the example, natively: plain pytest on plain Python.

The same tests run against the compiled state machine in tests/test_example.py.
"""

import pytest

import analyse_text
import pysfn as PSF
from analyse_text import summarise


def test_a_text_is_augmented_and_counted():
    result = summarise("a quick brown fox")
    assert result == {"summary": "A Quick Brown Fox: 4 words, 5 vowels, 3 spaces (via pysfn)",
                      "style": "long", "words": 4}


def test_b_text_keeps_the_requested_style():
    assert summarise("Bees buzz", style="brief")["style"] == "brief"


def test_c_text_gets_a_short_result():
    assert summarise("  cats purr ") == {"summary": "cats purr", "style": "short"}


def test_other_first_letters_fail():
    with pytest.raises(PSF.Fail) as info:
        summarise("dogs bark")
    assert info.value.error == "UnsupportedText"


def test_empty_text_is_malformed():
    with pytest.raises(PSF.Fail) as info:
        summarise("   ")
    assert (info.value.error, info.value.cause) == ("MalformedText", "the text is empty")


def test_augment_is_retried_on_transient_errors(monkeypatch):
    calls = []
    real = analyse_text.augment

    def flaky(summary, source="pysfn"):
        calls.append(1)
        if len(calls) < 3:
            raise analyse_text.TransientServiceError("try again")
        return real(summary, source)
    monkeypatch.setattr(analyse_text, "augment", flaky)
    assert summarise("an apple")["words"] == 2
    assert len(calls) == 3


def test_augment_gives_up_after_the_retry_budget(monkeypatch):
    def broken(summary, source="pysfn"):
        raise analyse_text.TransientServiceError("down")
    monkeypatch.setattr(analyse_text, "augment", broken)
    with pytest.raises(analyse_text.TransientServiceError):
        summarise("an apple")
