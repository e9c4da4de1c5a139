"""Printed manuals of the published practices: what one holds (gather.py), the words it
prints in its language (words.py), and how it is set as PDF (pdf.py, typeset.py, with the
Noto fonts in fonts/). The console and `peerlearn manual` make them; web/manual_page.py
shows the same manual as a page."""
