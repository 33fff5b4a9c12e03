"""Time filters (`modified_since`, `since`, `until`) are RFC 3339 date-times, nothing else.

Litestar parses a datetime parameter leniently: a bare number is taken as a Unix time
and a date without a time as midnight. The API documents RFC 3339 with an offset, so
anything else is refused (400, `invalid-parameter`) before the parameters are parsed.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

from planregistry_domain.wire import API_PREFIX

TIME_FILTERS = ("modified_since", "since", "until")
RFC_3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$"
)


def check_time_filters(request: Request[Any, Any, Any]) -> None:
    if not request.url.path.startswith(API_PREFIX):
        return  # the web views' forms take plain dates
    errors = [
        {
            "source": "query",
            "key": name,
            "message": "Expected an RFC 3339 date-time with offset, e.g. 2018-03-01T00:00:00Z",
        }
        for name in TIME_FILTERS
        for value in request.query_params.getall(name, [])
        if not RFC_3339.match(value)
    ]
    if errors:
        raise ValidationException("Ogiltig tidpunkt", extra=errors)
