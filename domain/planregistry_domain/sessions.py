"""Browser sessions of the web views and the one-time links that start them."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from planregistry_domain.actor import Actor

# A sign-in link is for the next few minutes; a session ends after this much idleness
# or, in any case, this long after sign-in.
SIGN_IN_LINK_TTL = dt.timedelta(minutes=10)
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_ABSOLUTE = dt.timedelta(hours=8)


class WebSession(Struct, frozen=True, kw_only=True):
    """A signed-in browser: who it is, and the token every form of the session carries.

    `token` (the cookie's value) is set only where the session starts; a session read
    back from its cookie has it empty, since only its hash is stored.
    """

    actor: Actor
    csrf_token: str
    expires_at: dt.datetime
    token: str = ""


# A form kept from an expired session waits this long for its person to sign in again.
KEPT_FORM_TTL = dt.timedelta(hours=8)


class KeptForm(Struct, frozen=True, kw_only=True):
    """A form posted after its session had expired: where it was posted and its fields
    (name, value) in order, so that the person finds it again after signing in."""

    path: str
    fields: list[tuple[str, str]]
    expires_at: dt.datetime
