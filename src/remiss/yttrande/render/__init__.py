"""The renderers: a document's plain data in, its file out; none reads the database.

Two documents, each named for what it is:

- the letter, the yttrande that is sent (``joint.JointAnswer``): ``letter_html``,
  ``letter_docx``, and ``letter_files`` for any format (its PDF is the HTML printed by
  ``weasy``);
- the memo, the internal sammanställning (``model.Yttrande``): ``memo_html``,
  ``memo_docx``, and ``memo_pdf``, set on ReportLab's canvas (``pdf_pages`` fills the
  pages, ``pdf_lines`` breaks the lines, ``pdf_fonts`` holds the fonts).

Shared: ``html`` (the templates' environment), ``docx_common`` (what every Word file
has) and ``layout`` (the fixed words and table layouts, so the formats agree).
"""
