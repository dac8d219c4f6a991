"""Writes examples/laporan.docx: a short Word report with a heading, paragraphs, a list
and a table, as a newsroom sends one (run it again after editing the texts below).

    python examples/make_laporan.py
"""

from __future__ import annotations

from pathlib import Path

import docx


def main() -> None:
    document = docx.Document()
    document.add_heading("Laporan Banjir Jakarta", level=1)
    document.add_paragraph("Banjir merendam ratusan rumah di Jakarta Timur.")
    document.add_paragraph("Polisi menangkap dua tersangka pencurian.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Wilayah", "Dana bantuan"
    table.cell(1, 0).text, table.cell(1, 1).text = "Jakarta Timur", "Rp14.500"
    document.save(Path(__file__).with_name("laporan.docx"))


if __name__ == "__main__":
    main()
