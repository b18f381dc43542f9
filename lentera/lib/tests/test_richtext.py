"""The `richtext` filter: Markdown people can type (markdown-it-py), and nothing unsafe gets through (nh3)."""

from __future__ import annotations

import re

import pytest

from lentera.lib.templatetags.lentera import richtext

REL = 'target="_blank" rel="noopener noreferrer nofollow"'


def test_paragraphs_lists_bold_italic_and_links() -> None:
    html = richtext(
        "Pengantar **SLiMS** dan _iPusnas_.\n\n- katalogisasi\n- sirkulasi\n\n1. unduh\n2. pasang\n\n"
        "Lihat https://slims.web.id."
    )
    assert html.startswith("<p>Pengantar <strong>SLiMS</strong> dan <em>iPusnas</em>.</p>")
    assert "<ul>\n<li>katalogisasi</li>\n<li>sirkulasi</li>\n</ul>" in html
    assert "<ol>\n<li>unduh</li>\n<li>pasang</li>\n</ol>" in html
    # the full stop ends the sentence, not the address
    assert f'<p>Lihat <a href="https://slims.web.id" {REL}>https://slims.web.id</a>.</p>' in html


def test_markdown_links_bare_www_and_mailto() -> None:
    html = richtext("[Katalog](https://slims.web.id/katalog) www.perpusnas.go.id [surel](mailto:info@contoh.id)")
    assert f'<a href="https://slims.web.id/katalog" {REL}>Katalog</a>' in html
    assert f'<a href="https://www.perpusnas.go.id" {REL}>www.perpusnas.go.id</a>' in html
    assert f'<a href="mailto:info@contoh.id" {REL}>surel</a>' in html


def test_a_bracket_the_address_opened_is_kept_and_one_around_it_is_not() -> None:
    html = richtext("(lihat https://id.wikipedia.org/wiki/DDC_(klasifikasi)).")
    assert 'href="https://id.wikipedia.org/wiki/DDC_(klasifikasi)"' in html
    assert "</a>).</p>" in html


def test_headings_sit_under_the_page_headings_and_quotes_and_code_stay() -> None:
    html = richtext("# Judul\n\n## Sub\n\n> kutipan\n\n`kode`")
    assert "<h3>Judul</h3>" in html and "<h4>Sub</h4>" in html
    assert "<blockquote>" in html and "<code>kode</code>" in html
    assert "<h1" not in html and "<h2" not in html


def test_lines_in_a_paragraph_keep_their_breaks_and_underscores_in_words_stay() -> None:
    assert richtext("baris satu\nbaris_dua_tiga") == "<p>baris satu<br>\nbaris_dua_tiga</p>"


def test_the_attribute_breaking_address_of_the_finding() -> None:
    """``www.example.com/**" x=**y`` once became ``<a href="http://www.example.com/<strong>" x=</strong>y">``."""
    html = richtext('www.example.com/**" x=**y')
    assert f'<a href="https://www.example.com/" {REL}>www.example.com/</a>' in html
    assert " x=" not in re.sub(r"<a [^>]*>", "", html).split("</a>")[0]
    assert all(tag.split()[0] in ("<p>", "<a", "</a>", "</p>") for tag in re.findall(r"</?\w+[^>]*>", html))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://x.id" onclick="alert(1)">x</a>',
        "<iframe src=https://x.id></iframe>",
        '<svg onload="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1) )",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        "![foto](https://x.id/a.png)",
        '[a](https://x.id/" onmouseover="alert(1))',
        'https://x.id/?a=1&b="><svg/onload=alert(1)>',
        "www.x.id/\"onmouseover='alert(1)'",
        "**<b onmouseover=alert(1)>x</b>**",
        "<!-- komentar --> <style>body{}</style>",
    ],
)
def test_injection_is_inert(text: str) -> None:
    html = richtext(text)
    tags = re.findall(r"<(\w+)([^>]*)>", html)  # real tags only: the writer's "<" comes out as &lt;
    assert {name for name, _attrs in tags} <= {"p", "a", "strong", "em", "br"}
    for _name, attrs in tags:
        assert set(re.findall(r'(\S+?)="[^"]*"', attrs)) <= {"href", "title", "target", "rel"}, attrs
        assert re.sub(r'(\S+?)="[^"]*"', "", attrs).strip() == "", attrs  # nothing outside the quotes
        for href in re.findall(r'href="([^"]*)"', attrs):
            assert href.startswith(("https://", "http://", "mailto:")), href


def test_empty() -> None:
    assert richtext("") == "" and richtext(None) == ""
