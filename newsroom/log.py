"""Log lines that a value from a request cannot forge."""

import logging
import re

# C0 and C1 control characters (newline, carriage return, escape...), and the
# Unicode line and paragraph separators some log viewers break lines at.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_control(text):
    """`text` with every control character written as an escape: "a\\nb" for a newline."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


class EscapingFormatter(logging.Formatter):
    """
    Escapes control characters in each formatted line, so a user name, path or
    header value containing a newline stays on its record's line instead of
    writing a fake one. Tracebacks, appended after the line, keep their newlines.
    """

    def formatMessage(self, record):
        return escape_control(super().formatMessage(record))
