"""Process logging: one line per record, JSON in production, with phone numbers masked.

Phone numbers reach logs through messages and exceptions (a Twilio error quoting the "To"
address, a database error quoting a row). Every formatted line, JSON or text, goes
through `mask_phones` last, so none leaves the process whole.
"""

from __future__ import annotations

import logging
import re
import sys

from pythonjsonlogger.json import JsonFormatter

JSON = "json"
TEXT = "text"
FORMATS = (JSON, TEXT)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"

# E.164 (+212612345678, also after "whatsapp:" and URL-encoded as %2B in a logged URL),
# 00-prefixed, and Moroccan 05/06/07 numbers.
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+|00)|%2B)\d{8,15}(?!\d)|(?<![\w+])0[5-7]\d{8}(?!\d)", re.IGNORECASE
)


def _hide(number: str) -> str:
    """ "+212612345678" → "+212*******78": the country and two digits, enough to tell
    two women apart in one incident, not enough to call anyone."""
    keep = 6 if number[:3].upper() == "%2B" else 4
    return number[:keep] + "*" * (len(number) - keep - 2) + number[-2:]


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda match: _hide(match.group(0)), text)


class MaskingFormatter(logging.Formatter):
    """Formats with `inner`, then masks the phone numbers in the whole line."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return mask_phones(self.inner.format(record))


def formatter(log_format: str) -> logging.Formatter:
    if log_format == JSON:
        inner: logging.Formatter = JsonFormatter(
            JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"}
        )
    else:
        inner = logging.Formatter(TEXT_FORMAT)
    return MaskingFormatter(inner)


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Replace the root logger's handlers with one masked handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
