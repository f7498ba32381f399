"""Sentence splitting, normalisation, hashing, HTML stripping and index terms."""

from briefings.text import (
    content_hash,
    index_terms,
    is_junk,
    normalise,
    query_terms,
    split_glued_sentences,
    split_sentences,
    strip_html,
)


def test_splits_plain_sentences_and_paragraphs() -> None:
    text = "The vote was held. It passed easily!\n\nA new paragraph starts here. Does it end?"
    assert split_sentences(text) == [
        "The vote was held.",
        "It passed easily!",
        "A new paragraph starts here.",
        "Does it end?",
    ]


def test_abbreviations_decimals_and_initials_do_not_end_sentences() -> None:
    text = (
        "Mr. Smith met Dr. Jones at the U.S. embassy. Profits rose to $10.9bn in 2004. "
        "J. K. Rowling was there. Sales hit No. 1 in March."
    )
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones at the U.S. embassy.",
        "Profits rose to $10.9bn in 2004.",
        "J. K. Rowling was there.",
        "Sales hit No. 1 in March.",
    ]


def test_quotes_stay_with_their_sentence() -> None:
    text = '"We will win," she said. "Really?" he asked. They left.'
    assert split_sentences(text) == ['"We will win," she said.', '"Really?" he asked.', "They left."]


def test_glued_reference_sentences_are_separated() -> None:
    glued = "Sales rose 2% to $11.1bn from $10.9bn.For the full year, profit grew.Shares fell."
    assert split_glued_sentences(glued) == [
        "Sales rose 2% to $11.1bn from $10.9bn.",
        "For the full year, profit grew.",
        "Shares fell.",
    ]


def test_bullets_and_headings_are_their_own_lines_and_junk() -> None:
    text = "Related Topics\n\n  • Some link text here\nThe story starts now. It goes on."
    sentences = split_sentences(text)
    assert sentences[0] == "Related Topics"
    assert sentences[1] == "• Some link text here"
    assert is_junk(sentences[0]) and is_junk(sentences[1])
    assert not is_junk("The story starts now.")
    assert is_junk("Also read: Something else entirely happened today")


def test_normalise_straightens_quotes_and_spaces() -> None:
    assert normalise("\u201cHello\u201d  it\u2019s\u00a0me\r\n\r\n\r\nNext") == '"Hello" it\'s me\n\nNext'


def test_content_hash_ignores_whitespace_case_and_quote_style() -> None:
    a = content_hash("The \u201cbig\u201d story.\n\nIt\u2019s here.")
    b = content_hash('the "big"   story. it\'s here.')
    assert a == b
    assert a != content_hash("The big story changed.")


def test_strip_html_removes_tags_scripts_and_entities() -> None:
    html = "<div><p>Tom &amp; Jerry<br>met.</p><script>alert(1)</script><p>Second&nbsp;para.</p></div>"
    text = strip_html(html)
    assert "alert" not in text and "<" not in text
    assert "Tom & Jerry" in text
    assert text.endswith("Second para.") or text.endswith("Second\xa0para.")
    assert strip_html("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"


def test_index_terms_are_plain_lowercase_stems() -> None:
    terms = index_terms("The Taliban's leaders were air-lifted from Mazar-e-Sharif; 150,000 people.")
    words = terms.split()
    assert all(w.isalnum() and w == w.lower() for w in words)
    assert "taliban" in words and "leader" in words
    assert "airlift" in words  # hyphenated words also index their joined form
    assert "150000" in words
    assert "the" not in words
    assert query_terms("airlifted leaders") == ["airlift", "leader"]


def test_index_terms_fold_accents() -> None:
    assert index_terms("Café Société") == index_terms("cafe societe")


def test_glued_sentences_after_capitals_and_quotes() -> None:
    glued = 'Losses hit AOL.For 2005 it expects growth.'
    assert split_glued_sentences(glued) == ["Losses hit AOL.", "For 2005 it expects growth."]
    quotes = '"It is over," he said."We go on," she said.They left.'
    assert split_glued_sentences(quotes) == ['"It is over," he said.', '"We go on," she said.', "They left."]
    closing = 'He called it "a pitiful excuse"."I am proud," she said.'
    assert split_glued_sentences(closing) == ['He called it "a pitiful excuse".', '"I am proud," she said.']


def test_glued_splitter_leaves_decimals_and_dotted_abbreviations() -> None:
    text = "Profit was $10.9bn in the U.S. market.Sales rose 2.5%."
    assert split_glued_sentences(text) == ["Profit was $10.9bn in the U.S. market.", "Sales rose 2.5%."]
