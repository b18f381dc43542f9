"""The `richtext` filter: simple formatting people can type, and nothing unsafe gets through."""

from lentera.lib.templatetags.lentera import richtext


def test_paragraphs_lists_bold_italic_and_links() -> None:
    html = richtext(
        "Pengantar **SLiMS** dan _iPusnas_.\n\n- katalogisasi\n- sirkulasi\n\n1. unduh\n2. pasang\n\nLihat https://slims.web.id"
    )
    assert html.startswith("<p>Pengantar <strong>SLiMS</strong> dan <em>iPusnas</em>.</p>")
    assert "<ul><li>katalogisasi</li><li>sirkulasi</li></ul>" in html
    assert "<ol><li>unduh</li><li>pasang</li></ol>" in html
    assert '<a href="https://slims.web.id" rel="nofollow">https://slims.web.id</a>' in html


def test_html_and_script_are_escaped() -> None:
    html = richtext("<script>alert(1)</script> <img src=x onerror=alert(1)> **<b>x</b>**")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>&lt;b&gt;x&lt;/b&gt;</strong>" in html


def test_javascript_links_are_not_made() -> None:
    assert "href" not in richtext("javascript:alert(1)")


def test_lines_in_a_paragraph_keep_their_breaks_and_underscores_in_words_stay() -> None:
    assert richtext("baris satu\nbaris_dua_tiga") == "<p>baris satu<br>baris_dua_tiga</p>"


def test_empty() -> None:
    assert richtext("") == "" and richtext(None) == ""
