"""The renderers: a document's plain data in, its file out; none reads the database.

Two documents, each named for what it is:

- the letter, the yttrande that is sent (``joint.JointAnswer``): ``letter_html``,
  ``letter_docx``, ``letter_pdf`` (tagged PDF/UA-1: ``pdf_tags``), and ``letter_files``
  for any format;
- the memo, the internal sammanställning (``model.Yttrande``): ``memo_html``,
  ``memo_docx``, and ``memo_pdf``, set on ReportLab's canvas (``pdf_pages`` fills the
  pages, ``pdf_lines`` breaks the lines, ``pdf_fonts`` holds the fonts).

Both PDFs are set by ``pdf_pages``. Shared: ``html`` (the templates' environment), ``docx_common`` (what every Word file
has) and ``layout`` (the fixed words and table layouts, so the formats agree).
"""
