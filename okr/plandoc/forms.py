"""The plan document upload form: a file or a pasted document, and whether to import it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField

from okr.core.web.forms import Form


class ImportForm(Form):
    document = FileField(_l("Plan document (JSON)"))
    confirm = BooleanField(_l("Import it"))
    payload = HiddenField()
