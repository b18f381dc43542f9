"""The cohort's Kirkpatrick report as a PDF (ReportLab): the same figures as the page, with its charts."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as esc  # ReportLab paragraphs are markup: typed text must be escaped

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lentera.evaluation.models import Dimension
from lentera.lib import pdf_fonts

BRAND = colors.HexColor("#7a3e00")
SERIES_COLOURS = [BRAND, colors.HexColor("#98a2b3"), colors.HexColor("#067647")]
CHART_WIDTH = 14 * cm
LABEL_SIZE = 7
LABEL_LINES = 2  # a category label wraps onto at most this many lines; longer ones become numbers with a key


def _fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{number_format(round(value, digits), digits)}{suffix}"


def _styles() -> dict[str, ParagraphStyle]:
    """ReportLab's sample styles in the embedded font (theirs are Helvetica, with no glyph for ⟨g⟩)."""
    sample = getSampleStyleSheet()
    styles = {
        name: sample[name].clone(
            name, fontName=pdf_fonts.BOLD if name != "BodyText" else pdf_fonts.REGULAR, bulletFontName=pdf_fonts.REGULAR
        )
        for name in ("Title", "Heading2", "Heading4", "BodyText")
    }
    styles["small"] = styles["BodyText"].clone("small", fontSize=8, leading=10)
    return styles


def chart_labels(labels: list[str], width: float) -> tuple[list[str], list[str]]:
    """The category labels of a bar chart ``width`` wide, and the key below it (empty when not needed).

    A label wraps onto up to two lines within its category's width, so that neighbours never
    overlap. When one does not fit even so, every category is numbered ("1", "2", …) and the key
    lists the full labels ("1. Layanan prima di meja sirkulasi …").
    """
    if not labels:
        return [], []
    pdf_fonts.register()  # the labels are measured in the embedded font, whatever ran before
    room = width / len(labels) - 4  # a little air between neighbours
    wrapped = [simpleSplit(label, pdf_fonts.REGULAR, LABEL_SIZE, room) for label in labels]
    fits = all(
        len(lines) <= LABEL_LINES
        and all(_label_width(line) <= room for line in lines)  # a single word longer than the room
        for lines in wrapped
    )
    if fits:
        return ["\n".join(lines) for lines in wrapped], []
    return [str(i) for i in range(1, len(labels) + 1)], [f"{i}. {label}" for i, label in enumerate(labels, start=1)]


def _label_width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, pdf_fonts.REGULAR, LABEL_SIZE)


def _bars(labels: list[str], series: list[list[float]], names: list[str], top: float = 100) -> list[Any]:
    """A bar chart with labels that never overlap, a legend when there are several series, and the
    key of numbered labels below it."""
    shown, key = chart_labels(labels, CHART_WIDTH)
    lines = max((label.count("\n") + 1 for label in shown), default=1)
    legend_room = 0.6 * cm if len(series) > 1 else 0
    bottom = 0.5 * cm + lines * (LABEL_SIZE + 2)
    drawing = Drawing(16 * cm, bottom + 4.3 * cm + 0.3 * cm + legend_room, initialFontName=pdf_fonts.REGULAR)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, bottom, CHART_WIDTH, 4.3 * cm
    chart.data = series
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.labels.fontName = pdf_fonts.REGULAR
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.categoryNames = shown
    chart.categoryAxis.labels.fontName = pdf_fonts.REGULAR
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.textAnchor = "middle"
    chart.categoryAxis.labels.dy = -3
    chart.categoryAxis.labels.leading = LABEL_SIZE + 1.5
    for index, colour in enumerate(SERIES_COLOURS[: len(series)]):
        chart.bars[index].fillColor = colour
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.fontName = pdf_fonts.REGULAR
        legend.fontSize = LABEL_SIZE + 1
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.x, legend.y = chart.x, chart.y + chart.height + legend_room
        legend.colorNamePairs = list(zip(SERIES_COLOURS, names, strict=False))
        drawing.add(legend)
    flowables: list[Any] = [drawing]
    if key:
        small = _styles()["small"]
        flowables.extend(Paragraph(esc(line), small) for line in key)
    return flowables


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), pdf_fonts.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e3d3")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(report: Any) -> bytes:
    pdf_fonts.register()
    styles = _styles()
    small = styles["small"]
    cohort = report.cohort
    story: list[Any] = [
        Paragraph(esc(_("Evaluation report: %(cohort)s") % {"cohort": cohort.name}), styles["Title"]),
        Paragraph(
            esc(f"{cohort.programme.title} · {date_format(cohort.starts_on)} – {date_format(cohort.ends_on)}"), small
        ),
        Spacer(1, 0.3 * cm),
    ]
    reaction = report.reaction
    story.append(Paragraph(_("L1 Reaction"), styles["Heading2"]))
    story.append(
        Paragraph(
            _("%(n)s responses of %(invited)s invited (response rate %(rate)s).")
            % {"n": reaction.responses, "invited": reaction.invited, "rate": _fmt(reaction.rate, 0, "%")},
            small,
        )
    )
    labels = dict(Dimension.choices)
    dims = list(reaction.dimensions.items())
    if dims:
        story.extend(_bars([str(labels.get(d, d)) for d, _s in dims], [[s.top2 or 0 for _d, s in dims]], [_("top-2")]))
        rows = [[_("Dimension"), "n", _("mean"), "SD", _("top-2"), _("bottom-2")]]
        rows += [
            [str(labels.get(d, d)), s.n, _fmt(s.mean, 2), _fmt(s.sd, 2), _fmt(s.top2, 0, "%"), _fmt(s.bottom2, 0, "%")]
            for d, s in dims
        ]
        story.append(_table(rows, [5 * cm, 1.5 * cm, 2 * cm, 2 * cm, 2 * cm, 2 * cm]))
    weak = [line for line in reaction.items if line.weak]
    if weak:
        story.append(Spacer(1, 0.2 * cm))
        story.append(
            Paragraph(_("Weak results (top-2-box under %(n)s%%)") % {"n": report.threshold}, styles["Heading4"])
        )
        for line in weak:
            story.append(Paragraph(esc(f"• {line.item.text} — {_fmt(line.stats.top2, 0, '%')}"), small))
    learning = report.learning
    story.append(Paragraph(_("L2 Learning"), styles["Heading2"]))
    gain = learning.gain
    story.append(
        Paragraph(
            _("Pre-test %(pre)s, post-test %(post)s; normalised gain ⟨g⟩ %(g)s (n %(n)s).")
            % {
                "pre": _fmt(gain.pre_mean, 0, "%"),
                "post": _fmt(gain.post_mean, 0, "%"),
                "g": _fmt(gain.g, 2),
                "n": gain.n,
            },
            small,
        )
    )
    if learning.competencies:
        comps = learning.competencies
        story.extend(
            _bars(
                [c.competency.title for c in comps],
                [[c.pre_mean or 0 for c in comps], [c.post_mean or 0 for c in comps]],
                [_("Pre-test"), _("Post-test")],
            )
        )
    for assignment, mean, judged in learning.assignments:
        story.append(Paragraph(esc(f"• {assignment.title}: {_fmt(mean, 0, '%')} ({judged})"), small))
    behaviour = report.behaviour
    story.append(Paragraph(_("L3 Behaviour"), styles["Heading2"]))
    if behaviour.survey is None:
        story.append(Paragraph(_("The follow-up has not been sent yet."), small))
    else:
        rows = [[_("Item"), _("participants (mean)"), _("supervisors (mean)")]]
        by_text: dict[str, list[str]] = {}
        for line in behaviour.participants:
            by_text.setdefault(line.item.text, ["–", "–"])[0] = _fmt(line.stats.mean, 2)
        for line in behaviour.supervisors:
            by_text.setdefault(line.item.text, ["–", "–"])[1] = _fmt(line.stats.mean, 2)
        rows += [[Paragraph(esc(text), small), *pair] for text, pair in by_text.items()]
        story.append(_table(rows, [10 * cm, 3 * cm, 3 * cm]))
    results = report.results
    story.append(Paragraph(_("L4 Results"), styles["Heading2"]))
    story.append(
        Paragraph(
            _(
                "The library's monthly figures, six months before and after the cohort. This is a before/after "
                "comparison, not proof that the training caused the change."
            ),
            small,
        )
    )
    rows = [[_("Indicator"), _("before (mean/month)"), _("after (mean/month)"), _("change")]]
    rows += [
        [str(label), _fmt(f.before_mean, 0), _fmt(f.after_mean, 0), _fmt(f.change_percent, 1, "%")]
        for _name, label, f, _monthly in results.indicators
    ]
    story.append(_table(rows, [6 * cm, 3.5 * cm, 3.5 * cm, 3 * cm]))
    if report.roi is not None:
        story.append(
            Paragraph(_("Return on investment (Phillips): %(roi)s") % {"roi": _fmt(report.roi, 1, "%")}, small)
        )
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=str(cohort),
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        initialFontName=pdf_fonts.REGULAR,
    ).build(story)
    return buffer.getvalue()
