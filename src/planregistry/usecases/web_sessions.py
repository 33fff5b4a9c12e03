"""Sign-in for the web views: one-time links, and browser sessions stored server-side.

A link's or a session's secret has 256 bits of entropy, so a plain SHA-256 of it (the
row's id) is enough and keeps every request cheap. A session is kept in the database,
not in the cookie, so that every server process sees it and signing out ends it at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from planregistry.storage.rowmap import utc
from planregistry.storage.tables import (
    MunicipalityRow,
    OrganizationRow,
    SignInLinkRow,
    WebSessionRow,
)
from planregistry.usecases.base import RegistryBase
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.errors import NotFound, PermissionDenied, ValidationError
from planregistry_domain.policy import Scope
from planregistry_domain.sessions import (
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    SIGN_IN_LINK_TTL,
    WebSession,
)
from planregistry_domain.vocabulary import Role

# last_seen_at is written at most this often, not on every page.
_TOUCH_EVERY = dt.timedelta(minutes=1)
_MAX_SECRET = 200


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _actor(row: SignInLinkRow | WebSessionRow) -> Actor:
    return Actor(
        subject=row.subject,
        name=row.name,
        role=Role(row.role),
        municipality=row.municipality_id,
        organization=row.organization_id,
    )


class WebSessionUseCases(RegistryBase):
    def issue_sign_in_link(
        self,
        person: Actor,
        *,
        ttl: dt.timedelta = SIGN_IN_LINK_TTL,
        actor: Actor = SYSTEM,
    ) -> str:
        """A one-time secret that signs a browser in as `person` within `ttl`.

        Only the system (the command line, with direct access to the database) issues
        links; people sign in with the city's identity provider.
        """
        if actor.role is not Role.SYSTEM:
            raise PermissionDenied("Bara systemet (kommandoraden) kan skapa inloggningslänkar.")
        self._check_person(person)
        secret = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as session:
            self._check_placed(session, person)
            session.add(
                SignInLinkRow(
                    id=_hash(secret),
                    subject=person.subject,
                    name=person.name,
                    role=person.role.value,
                    municipality_id=person.municipality,
                    organization_id=person.organization,
                    created_at=now,
                    expires_at=now + ttl,
                    used_at=None,
                )
            )
            self._audit(
                session,
                actor,
                entity="sign_in_link",
                entity_id=person.subject,
                action="create",
                change={"role": person.role.value, "organization": person.organization},
                scope=Scope(municipality=person.municipality, organization=person.organization),
            )
        return secret

    def redeem_sign_in_link(
        self, secret: str, *, absolute: dt.timedelta = SESSION_ABSOLUTE
    ) -> WebSession | None:
        """Start a session with a link not used before and not expired; else None.

        The link is spent by a conditional update, so two browsers racing with the same
        link get one session between them.
        """
        if not secret or len(secret) > _MAX_SECRET:
            return None
        now = self.now()
        with self._write() as session:
            spent = session.execute(
                update(SignInLinkRow)
                .where(
                    SignInLinkRow.id == _hash(secret),
                    SignInLinkRow.used_at.is_(None),
                    SignInLinkRow.expires_at > now,
                )
                .values(used_at=now)
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = session.get(SignInLinkRow, _hash(secret))
            assert row is not None
            return self._start(session, _actor(row), absolute)

    def start_web_session(
        self, person: Actor, *, absolute: dt.timedelta = SESSION_ABSOLUTE
    ) -> WebSession:
        """A session for a person the identity provider has vouched for."""
        self._check_person(person)
        with self._write() as session:
            self._check_placed(session, person)
            return self._start(session, person, absolute)

    def web_session(self, token: str, *, idle: dt.timedelta = SESSION_IDLE) -> WebSession | None:
        """The live session a cookie stands for, or None (unknown, ended, idle or expired)."""
        if not token or len(token) > _MAX_SECRET:
            return None
        now = self.now()
        with self._read() as session:
            row = session.get(WebSessionRow, _hash(token))
            if row is None or row.ended_at is not None:
                return None
            expires_at = utc(row.expires_at)
            last_seen = utc(row.last_seen_at)
            if now >= expires_at or now >= last_seen + idle:
                return None
            found = WebSession(actor=_actor(row), csrf_token=row.csrf_token, expires_at=expires_at)
        if now - last_seen >= _TOUCH_EVERY:
            with self._write() as session:
                session.execute(
                    update(WebSessionRow)
                    .where(WebSessionRow.id == _hash(token))
                    .values(last_seen_at=now)
                )
        return found

    def end_web_session(self, token: str) -> None:
        """Sign out: the session is over at once, in every server process."""
        if not token or len(token) > _MAX_SECRET:
            return
        with self._write() as session:
            session.execute(
                update(WebSessionRow)
                .where(WebSessionRow.id == _hash(token), WebSessionRow.ended_at.is_(None))
                .values(ended_at=self.now())
            )

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _check_person(person: Actor) -> None:
        if person.role is Role.SYSTEM:
            raise ValidationError("Rollen system kan inte logga in i webbvyerna.")
        if person.municipality is None:
            raise ValidationError("Ange kommunen som inloggningen gäller.")
        if person.role is Role.COORDINATOR and person.organization is None:
            raise ValidationError("En samordnare måste höra till en organisation.")

    @staticmethod
    def _check_placed(session: Session, person: Actor) -> None:
        if session.get(MunicipalityRow, person.municipality) is None:
            raise NotFound("Kommunen", person.municipality)
        if person.organization is not None:
            org = session.get(OrganizationRow, person.organization)
            if org is None or org.municipality_id != person.municipality:
                raise NotFound("Organisationen", person.organization)

    def _start(self, session: Session, person: Actor, absolute: dt.timedelta) -> WebSession:
        token = secrets.token_urlsafe(32)
        now = self.now()
        row = WebSessionRow(
            id=_hash(token),
            csrf_token=secrets.token_urlsafe(32),
            subject=person.subject,
            name=person.name,
            role=person.role.value,
            municipality_id=person.municipality,
            organization_id=person.organization,
            created_at=now,
            last_seen_at=now,
            expires_at=now + absolute,
            ended_at=None,
        )
        session.add(row)
        self._audit(
            session,
            person,
            entity="web_session",
            entity_id=person.subject,
            action="sign_in",
            change={},
            scope=Scope(municipality=person.municipality, organization=person.organization),
        )
        return WebSession(
            actor=person, csrf_token=row.csrf_token, expires_at=row.expires_at, token=token
        )
