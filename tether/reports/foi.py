"""A Freedom of Information response draft for a force, as ODT (odfpy) and PDF (reportlab).

The draft holds the request date, the as-at date, the table after disclosure control, the policy applied and
the standard paragraph on why names and identifying details are withheld (FOIA s.40(2), s.31, s.38). It is a
draft for the FOI officer to edit, not a letter Tether sends.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from odf.opendocument import OpenDocumentText
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table as OdtTable
from odf.table import TableColumn, TableRow
from odf.text import H, P
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from tether.reports.disclosure import PublishedTable
from tether.reports.exporters import ods_cell, period_text, table_rows

DRAFT_NOTE = "DRAFT for the FOI officer to check and edit before it is sent."

WITHHELD = (
    "Names, dates of birth, addresses, offence details and any other details that could identify an individual "
    "have been withheld. This information is exempt from disclosure under section 40(2) of the Freedom of "
    "Information Act 2000 (personal data), because disclosing it would breach the data protection principles; "
    "under section 31 (law enforcement), because disclosing it would be likely to prejudice the prevention and "
    "detection of crime and the apprehension of offenders, including the efforts to locate the people counted; "
    "and under section 38 (health and safety), because disclosing it would be likely to endanger the physical "
    "or mental health or the safety of individuals, including victims and the people concerned. Sections 31 "
    "and 38 are qualified exemptions: we consider that the public interest in maintaining them outweighs the "
    "public interest in disclosure, which is served by the aggregate figures given above. For the same reasons "
    "small numbers have been suppressed and other figures rounded, as described above."
)


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class FoiDraft:
    pt: PublishedTable
    force_name: str
    request_date: date
    reference: str = ""

    @property
    def heading(self) -> str:
        ref = f" {self.reference}" if self.reference else ""
        return f"Freedom of Information request{ref}"

    def facts(self) -> list[tuple[str, str]]:
        out = [("Force", self.force_name), ("Date of request", _d(self.request_date)),
               ("Figures as at", _d(self.pt.as_of))]
        if self.pt.period:
            out.append(("Period", period_text(self.pt)))
        return out

    def paragraphs(self) -> list[tuple[str, str]]:
        """(heading, text) sections after the table."""
        sections = [("How the figures were protected", self.pt.policy.describe())]
        sections.append(("Information withheld", WITHHELD))
        return sections

    def intro(self) -> str:
        return (f"Thank you for your request. {self.force_name} holds the information below, counted from its "
                f"register as at {_d(self.pt.as_of)}.")

    def odt(self) -> bytes:
        doc = OpenDocumentText()
        bold = Style(name="Strong", family="text")
        bold.addElement(TextProperties(fontweight="bold"))
        doc.automaticstyles.addElement(bold)
        column = Style(name="Column", family="table-column")
        column.addElement(TableColumnProperties(columnwidth="3.5cm"))
        doc.automaticstyles.addElement(column)
        doc.text.addElement(P(text=DRAFT_NOTE))
        doc.text.addElement(H(outlinelevel=1, text=self.heading))
        for label, value in self.facts():
            doc.text.addElement(P(text=f"{label}: {value}"))
        doc.text.addElement(P(text=self.intro()))
        doc.text.addElement(H(outlinelevel=2, text=self.pt.title))
        rows = table_rows(self.pt)
        table = OdtTable(name="Figures")
        table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0]), stylename=column))
        for row in rows:
            tr = TableRow()
            for figure in row:
                tr.addElement(ods_cell(figure))
            table.addElement(tr)
        doc.text.addElement(table)
        for note in self.pt.notes:
            doc.text.addElement(P(text=f"Note: {note}"))
        for heading, text in self.paragraphs():
            doc.text.addElement(H(outlinelevel=2, text=heading))
            doc.text.addElement(P(text=text))
        buffer = io.BytesIO()
        doc.write(buffer)
        return buffer.getvalue()

    def pdf(self, *, compress: bool = True) -> bytes:
        """The draft as PDF; ``compress=False`` writes readable page streams (tests search them)."""
        styles = getSampleStyleSheet()
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=self.heading, author=self.force_name,
                                leftMargin=20 * mm, rightMargin=20 * mm, pageCompression=1 if compress else 0)
        story: list[object] = [Paragraph(escape(DRAFT_NOTE), styles["Italic"]),
                               Paragraph(escape(self.heading), styles["Heading1"])]
        for label, value in self.facts():
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["BodyText"]))
        story.append(Paragraph(escape(self.intro()), styles["BodyText"]))
        story.append(Paragraph(escape(self.pt.title), styles["Heading2"]))
        data = [[str(v) for v in row] for row in table_rows(self.pt)]
        table = PdfTable(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]))
        story.append(table)
        story.append(Spacer(1, 4 * mm))
        for note in self.pt.notes:
            story.append(Paragraph(f"Note: {escape(note)}", styles["BodyText"]))
        for heading, text in self.paragraphs():
            story.append(Paragraph(escape(heading), styles["Heading2"]))
            story.append(Paragraph(escape(text), styles["BodyText"]))
        doc.build(story)
        return buffer.getvalue()
