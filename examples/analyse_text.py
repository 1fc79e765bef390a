"""Text analysis: the classic pysfn example workflow.

``summarise`` is the entry: it runs natively (``summarise(text="...")``) and compiles to a
state machine in which each callee call is a Task of the dispatcher Lambda.
"""

import pysfn as PSF

VOWELS = "aeiou"


class MalformedTextError(ValueError):
    """The text cannot be summarised."""


class TransientServiceError(Exception):
    """A flaky dependency: worth a retry."""


def get_summary(text):
    """A first look at the text (raises on empty text)."""
    cleaned = text.strip()
    if not cleaned:
        raise MalformedTextError("the text is empty")
    words = cleaned.split()
    return {"first_letter": cleaned[0].lower(), "words": len(words), "text": cleaned}


def augment(summary, source="pysfn"):
    """Enrich the summary (in real life: a call to a service that sometimes fails)."""
    return {**summary, "source": source, "title": summary["text"][:20].title()}


def count_letters(text, letters):
    return sum(1 for ch in text.lower() if ch in letters)


def count_spaces(text):
    return text.count(" ")


def format_result(summary, vowels, spaces):
    return (f"{summary['title']}: {summary['words']} words, "
            f"{vowels} vowels, {spaces} spaces (via {summary['source']})")


@PSF.main
def summarise(text, style="long"):
    try:
        summary = get_summary(text)
    except MalformedTextError as err:
        raise PSF.Fail("MalformedText", str(err))

    first = summary["first_letter"]
    if first == "a" or first == "b":
        rich = PSF.with_retry_spec(augment, (summary,), ([TransientServiceError], 1, 3, 2.0))

        def vowels():
            n = count_letters(rich["text"], VOWELS)
            return n

        def spaces():
            return count_spaces(rich["text"])

        vowel_count, space_count = PSF.parallel(vowels, spaces)
        line = format_result(rich, vowel_count, space_count)
        return {"summary": line, "style": style, "words": summary["words"]}
    elif first == "c":
        return {"summary": summary["text"], "style": "short"}
    else:
        raise PSF.Fail("UnsupportedText", "only texts starting with a, b or c are analysed")
