"""The yttrande: a round's answers compiled into one formal response (DOCX, HTML, PDF)."""
