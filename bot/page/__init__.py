"""The author page with its "Fixing paper assignments" panel.

`view.py` turns the data index and a page ID into plain values (pure, no Flask);
`form.py` holds what the browser needs to know about our issue form; the templates
and the script that builds the GitHub link live in `templates/` and `static/`. The
Flask routes are in `webhooks/pages.py`.
"""
