"""`/revisioner/{id}/redigera`: editing a draft in the browser.

The overview lists the draft's parts in the plan's order (details, sections, situation
picture, activities) with what is still missing; each part has its own form page.
Every save goes through the library with the signed-in person as `actor=` and the
version the form was based on; a save refused as stale is merged (`draft_forms.merge`)
and shown with what the other person changed, keeping everything typed. Moving and
removing are small forms too, so every action works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id, Slug
from planregistry_api.web.draft_editors import (
    POLICE_CHOICES,
    ActivityForm,
    DetailsForm,
    Draft,
    EditorForm,
    SectionForm,
    SituationForm,
    load_draft,
)
from planregistry_api.web.draft_forms import (
    BASE_FIELD,
    CHOICE_PREFIX,
    MINE,
    THEIRS,
    VERSION_FIELD,
    Merge,
    Values,
    apply_choices,
    decode_base,
    encode_base,
    library_errors,
    merge,
    posted,
    text,
    text_blocks,
    version_of,
)
from planregistry_api.web.forms import FormError, actor_of
from planregistry_api.web.kept_forms import KEPT_COOKIE, KeepExpiredForms, restore
from planregistry_api.web.pages import Query, page
from planregistry_domain.actor import Actor
from planregistry_domain.completeness import SITUATION_SUBJECT
from planregistry_domain.errors import (
    NotFound,
    PermissionDenied,
    ReadOnly,
    StaleVersion,
    ValidationError,
)
from planregistry_domain.model import CompletenessFinding, Revision
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import RevisionStatus

NOTICES = {
    "flyttat": "Ordningen är ändrad.",
    "borttaget": "Det är borttaget.",
    "andrat": (
        "Någon annan hade ändrat utkastet under tiden, så ingenting flyttades eller togs "
        "bort. Kontrollera listan och försök igen."
    ),
}
# Completeness finding codes → the field of the activity form that fixes it.
ACTIVITY_FIELD_OF = {
    "activity_without_responsible": "ansvarig",
    "activity_without_follow_up_method": "uppfoljningsmetod",
    "activity_without_themes": "teman",
    "unknown_level": "niva",
    "unknown_theme": "teman",
}


def editor_path(revision_id: int, rest: str = "") -> str:
    return f"/revisioner/{revision_id}/redigera{rest}"


def fix_link(revision: Revision, finding: CompletenessFinding) -> str:
    """Where in the editor a completeness finding is put right."""
    rid = revision.id
    if finding.code in {"missing_section", "empty_section"} and finding.subject:
        return editor_path(rid, f"/avsnitt/{finding.subject}#text")
    if finding.subject == SITUATION_SUBJECT:
        return editor_path(rid, "/lagesbild")
    if finding.code == "missing_level" and finding.subject:
        return editor_path(rid, f"/aktiviteter/ny?niva={finding.subject}")
    activity = next((a for a in revision.activities if a.key == finding.subject), None)
    if activity is not None:
        field = ACTIVITY_FIELD_OF.get(finding.code, "titel")
        return editor_path(rid, f"/aktiviteter/{activity.id}#{field}")
    return editor_path(rid)


def may_edit(actor: Actor, draft: Draft) -> bool:
    scope = Scope(municipality=draft.organisation.municipality, organization=draft.organisation.id)
    return judge(actor, Action.EDIT_DRAFT, scope) is Verdict.ALLOW


def _editable(registry: Registry, revision_id: int, actor: Actor) -> Draft:
    """The draft, once the person may edit it: hidden → 404, refused → 403."""
    draft = load_draft(registry, revision_id, actor)
    if not may_edit(actor, draft):
        raise PermissionDenied("Du får inte redigera den här versionen.")
    return draft


def _form_page(
    request: Request[Any, Any, Any],
    draft: Draft,
    form: EditorForm,
    *,
    action: str,
    values: Values | None = None,
    base: Values | None = None,
    version: int | None = None,
    errors: list[FormError] | None = None,
    stale: Merge | None = None,
    changes: list[str] | None = None,
    preview: bool = False,
    restored: bool = False,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    stored = form.stored(draft)
    values = stored if values is None else values
    base = stored if base is None else base
    return page(
        request,
        form.template,
        status_code=status_code,
        # The title says first that the form came back with errors (screen readers).
        title=f"{'Fel: ' if errors else ''}{form.title} – {draft.organisation.name}",
        draft=draft,
        revision=draft.revision,
        organisation=draft.organisation,
        programme=draft.programme,
        editable=draft.revision.status is RevisionStatus.DRAFT,
        action=action,
        values=values,
        base_json=encode_base(base),
        version=form.version(draft) if version is None else version,
        errors=errors or [],
        stale=stale,
        changes=changes or [],
        preview=preview,
        restored=restored,
        labels=form.labels,
        blocks=text_blocks,
        level_options=[(t.key, t.label) for t in draft.programme.levels],
        theme_options=[(t.key, t.label) for t in draft.programme.themes],
        choice_labels={
            **{t.key: t.label for t in draft.programme.themes},
            **{t.key: t.label for t in draft.programme.levels},
            **dict(POLICE_CHOICES),
        },
        BASE_FIELD=BASE_FIELD,
        VERSION_FIELD=VERSION_FIELD,
        CHOICE_PREFIX=CHOICE_PREFIX,
        MINE=MINE,
        THEIRS=THEIRS,
        **extra,
    )


def _submit(
    request: Request[Any, Any, Any],
    registry: Registry,
    revision_id: int,
    form_data: Any,
    make_form: Any,
    *,
    action: str,
    **extra: Any,
) -> Template | Redirect:
    """Preview, or validate and save; a stale save comes back merged, nothing lost."""
    actor = actor_of(request)
    draft = _editable(registry, revision_id, actor)
    form: EditorForm = make_form(draft)
    base = decode_base(form_data)
    values = apply_choices(form_data, posted(form_data, form.names, form.multi), base)
    version = version_of(form_data)
    shown: dict[str, Any] = {"action": action, "values": values, "base": base, **extra}
    if text(form_data, "atgard") == "forhandsgranska":
        return _form_page(request, draft, form, version=version, preview=True, **shown)
    command, errors = form.parse(values, draft)
    if errors:
        return _form_page(
            request, draft, form, version=version, errors=errors, status_code=400, **shown
        )
    try:
        fragment = form.save(registry, draft, command, version, actor)
    except StaleVersion:
        return _stale(
            request,
            registry,
            revision_id,
            actor,
            make_form,
            values,
            base,
            command,
            action=action,
            **extra,
        )
    except ReadOnly as exc:
        return _form_page(
            request,
            draft,
            form,
            version=version,
            errors=[FormError(None, str(exc))],
            status_code=409,
            **shown,
        )
    except ValidationError as exc:
        return _form_page(
            request,
            draft,
            form,
            version=version,
            errors=library_errors(exc, form.command_fields),
            status_code=400,
            **shown,
        )
    return Redirect(editor_path(revision_id, f"?sparat=ja#{fragment}"), status_code=303)


def _stale(
    request: Request[Any, Any, Any],
    registry: Registry,
    revision_id: int,
    actor: Actor,
    make_form: Any,
    mine: Values,
    base: Values | None,
    command: dict[str, Any],
    **shown: Any,
) -> Template | Redirect:
    fresh = _editable(registry, revision_id, actor)
    form: EditorForm = make_form(fresh)
    theirs = form.stored(fresh)
    merged = merge(base, mine, theirs, form.labels)
    if not merged.other_changed_any:
        # The other person changed another part of the draft, not this one: save as typed.
        try:
            fragment = form.save(registry, fresh, command, form.version(fresh), actor)
        except StaleVersion:
            pass
        else:
            return Redirect(editor_path(revision_id, f"?sparat=ja#{fragment}"), status_code=303)
    return _form_page(
        request,
        fresh,
        form,
        stale=merged,
        changes=form.changes(base, fresh),
        status_code=409,
        values=merged.values,
        base=theirs,
        **shown,
    )


def _show(
    request: Request[Any, Any, Any],
    registry: Registry,
    draft: Draft,
    form: EditorForm,
    **shown: Any,
) -> Template:
    """The form as stored, or as the person left it when their session ran out."""
    kept = restore(request, registry, actor_of(request))
    if kept is None:
        return _form_page(request, draft, form, **shown)
    base = decode_base(kept)
    values = apply_choices(kept, posted(kept, form.names, form.multi), base)
    response = _form_page(
        request,
        draft,
        form,
        values=values,
        base=base,
        version=version_of(kept),
        restored=True,
        **shown,
    )
    response.delete_cookie(KEPT_COOKIE, path="/")
    return response


class DraftController(Controller):
    path = "/revisioner/{revision_id:int}/redigera"
    include_in_schema = False
    middleware = (KeepExpiredForms(),)

    @get("/", opt=requires(Action.EDIT_DRAFT), sync_to_thread=True, name="web:draft")
    def overview(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        sparat: Query = None,
        meddelande: Query = None,
    ) -> Template:
        actor = actor_of(request)
        draft = _editable(registry, revision_id, actor)
        revision = draft.revision
        findings = registry.completeness(revision_id, actor=actor)
        own = {s.key for s in revision.sections} - {s.key for s in draft.programme.sections}
        required = {s.key for s in draft.programme.sections if s.required}
        present = {s.key for s in revision.sections}
        missing = [s for s in draft.programme.sections if s.key not in present]
        levels = {t.key: t.label for t in draft.programme.levels}
        return page(
            request,
            "drafts/overview.html",
            title=f"Redigera version {revision.number}",
            draft=draft,
            revision=revision,
            organisation=draft.organisation,
            editable=revision.status is RevisionStatus.DRAFT,
            findings=[(f, fix_link(revision, f)) for f in findings],
            own_keys=own,
            required_keys=required,
            missing_sections=missing,
            levels=levels,
            notice="Ändringen är sparad." if sparat else NOTICES.get(meddelande or ""),
        )

    # --- The revision's details ---------------------------------------------------

    @get(
        "/uppgifter", opt=requires(Action.EDIT_DRAFT), sync_to_thread=True, name="web:draft-details"
    )
    def details(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        return _show(
            request, registry, draft, DetailsForm(), action=editor_path(revision_id, "/uppgifter")
        )

    @post("/uppgifter", opt=requires(Action.EDIT_DRAFT), name="web:draft-details-save")
    async def save_details(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        data = await request.form()
        return await sync_to_thread(
            _submit,
            request,
            registry,
            revision_id,
            data,
            lambda d: DetailsForm(),
            action=editor_path(revision_id, "/uppgifter"),
        )

    # --- Sections ------------------------------------------------------------------

    @get(
        "/nytt-avsnitt",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-new-section",
    )
    def new_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        return _show(
            request,
            registry,
            draft,
            SectionForm(None),
            action=editor_path(revision_id, "/nytt-avsnitt"),
            is_new=True,
        )

    @post("/nytt-avsnitt", opt=requires(Action.EDIT_DRAFT), name="web:draft-new-section-save")
    async def add_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        data = await request.form()
        return await sync_to_thread(
            _submit,
            request,
            registry,
            revision_id,
            data,
            lambda d: SectionForm(None),
            action=editor_path(revision_id, "/nytt-avsnitt"),
            is_new=True,
        )

    @get(
        "/avsnitt/{key:str}",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-section",
    )
    def section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id, key: Slug
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        _known_section(draft, key)
        return _show(
            request,
            registry,
            draft,
            SectionForm(key),
            action=editor_path(revision_id, f"/avsnitt/{key}"),
            is_new=False,
        )

    @post("/avsnitt/{key:str}", opt=requires(Action.EDIT_DRAFT), name="web:draft-section-save")
    async def save_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id, key: Slug
    ) -> Template | Redirect:
        data = await request.form()

        def make(draft: Draft) -> SectionForm:
            _known_section(draft, key)
            return SectionForm(key)

        return await sync_to_thread(
            _submit,
            request,
            registry,
            revision_id,
            data,
            make,
            action=editor_path(revision_id, f"/avsnitt/{key}"),
            is_new=False,
        )

    @post(
        "/avsnitt/{key:str}/flytta", opt=requires(Action.EDIT_DRAFT), name="web:draft-section-move"
    )
    async def move_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id, key: Slug
    ) -> Redirect:
        data = await request.form()
        return await sync_to_thread(self._move_section, request, registry, revision_id, key, data)

    @staticmethod
    def _move_section(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, key: str, data: Any
    ) -> Redirect:
        actor = actor_of(request)
        draft = _editable(registry, revision_id, actor)
        order = [s.key for s in draft.revision.sections]
        if key not in order:
            raise NotFound("Avsnittet", key)
        index = order.index(key)
        target = index - 1 if text(data, "riktning") == "upp" else index + 1
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
            try:
                registry.update_revision(
                    revision_id,
                    {"section_order": order},
                    expected_version=version_of(data),
                    actor=actor,
                )
            except StaleVersion:
                return Redirect(
                    editor_path(revision_id, "?meddelande=andrat#avsnitt"), status_code=303
                )
        return Redirect(
            editor_path(revision_id, f"?meddelande=flyttat#avsnitt-{key}"), status_code=303
        )

    @get(
        "/avsnitt/{key:str}/ta-bort",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-section-remove",
    )
    def confirm_remove_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id, key: Slug
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        section = next((s for s in draft.revision.sections if s.key == key), None)
        if section is None:
            raise NotFound("Avsnittet", key)
        return page(
            request,
            "drafts/remove.html",
            title="Ta bort avsnittet",
            draft=draft,
            revision=draft.revision,
            organisation=draft.organisation,
            what=f"avsnittet {section.heading}",
            version=draft.revision.version,
            action=editor_path(revision_id, f"/avsnitt/{key}/ta-bort"),
        )

    @post(
        "/avsnitt/{key:str}/ta-bort",
        opt=requires(Action.EDIT_DRAFT),
        name="web:draft-section-delete",
    )
    async def remove_section(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id, key: Slug
    ) -> Redirect:
        data = await request.form()

        def remove() -> Redirect:
            actor = actor_of(request)
            _editable(registry, revision_id, actor)
            try:
                registry.delete_section(
                    revision_id, key, expected_version=version_of(data), actor=actor
                )
            except StaleVersion:
                return Redirect(
                    editor_path(revision_id, "?meddelande=andrat#avsnitt"), status_code=303
                )
            return Redirect(
                editor_path(revision_id, "?meddelande=borttaget#avsnitt"), status_code=303
            )

        return await sync_to_thread(remove)

    # --- The situation picture ------------------------------------------------------

    @get(
        "/lagesbild",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-situation",
    )
    def situation(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        return _show(
            request,
            registry,
            draft,
            SituationForm(draft.programme),
            action=editor_path(revision_id, "/lagesbild"),
            police_choices=POLICE_CHOICES,
        )

    @post("/lagesbild", opt=requires(Action.EDIT_DRAFT), name="web:draft-situation-save")
    async def save_situation(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        data = await request.form()
        return await sync_to_thread(
            _submit,
            request,
            registry,
            revision_id,
            data,
            lambda d: SituationForm(d.programme),
            action=editor_path(revision_id, "/lagesbild"),
            police_choices=POLICE_CHOICES,
        )

    # --- Activities ------------------------------------------------------------------

    @get(
        "/aktiviteter/ny",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-new-activity",
    )
    def new_activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        niva: Query = None,
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        return _show(
            request,
            registry,
            draft,
            ActivityForm(None, niva),
            action=editor_path(revision_id, "/aktiviteter/ny"),
            is_new=True,
        )

    @post("/aktiviteter/ny", opt=requires(Action.EDIT_DRAFT), name="web:draft-new-activity-save")
    async def add_activity(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        data = await request.form()
        return await sync_to_thread(
            _submit,
            request,
            registry,
            revision_id,
            data,
            lambda d: ActivityForm(None),
            action=editor_path(revision_id, "/aktiviteter/ny"),
            is_new=True,
        )

    @get(
        "/aktiviteter/{activity_id:int}",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-activity",
    )
    def activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        activity_id: Id,
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        return _show(
            request,
            registry,
            draft,
            ActivityForm(_activity_of(draft, activity_id)),
            action=editor_path(revision_id, f"/aktiviteter/{activity_id}"),
            is_new=False,
        )

    @post(
        "/aktiviteter/{activity_id:int}",
        opt=requires(Action.EDIT_DRAFT),
        name="web:draft-activity-save",
    )
    async def save_activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        activity_id: Id,
    ) -> Template | Redirect:
        data = await request.form()

        def save() -> Template | Redirect:
            draft = _editable(registry, revision_id, actor_of(request))
            if not any(a.id == activity_id for a in draft.revision.activities):
                # Removed by someone else meanwhile: offer what was typed as a new activity.
                form = ActivityForm(None)
                return _form_page(
                    request,
                    draft,
                    form,
                    action=editor_path(revision_id, "/aktiviteter/ny"),
                    values=posted(data, form.names, form.multi),
                    is_new=True,
                    removed=True,
                    status_code=409,
                )
            return _submit(
                request,
                registry,
                revision_id,
                data,
                lambda d: ActivityForm(_activity_of(d, activity_id)),
                action=editor_path(revision_id, f"/aktiviteter/{activity_id}"),
                is_new=False,
            )

        return await sync_to_thread(save)

    @post(
        "/aktiviteter/{activity_id:int}/flytta",
        opt=requires(Action.EDIT_DRAFT),
        name="web:draft-activity-move",
    )
    async def move_activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        activity_id: Id,
    ) -> Redirect:
        data = await request.form()

        def move() -> Redirect:
            actor = actor_of(request)
            draft = _editable(registry, revision_id, actor)
            activity = _activity_of(draft, activity_id)
            ids = [a.id for a in draft.revision.activities]
            index = ids.index(activity_id)
            target = index - 1 if text(data, "riktning") == "upp" else index + 1
            if 0 <= target < len(ids):
                try:
                    registry.update_activity(
                        activity.id,
                        {"position": target},
                        expected_version=version_of(data),
                        actor=actor,
                    )
                except StaleVersion:
                    return Redirect(
                        editor_path(revision_id, "?meddelande=andrat#aktiviteter"), status_code=303
                    )
            return Redirect(
                editor_path(revision_id, f"?meddelande=flyttat#aktivitet-{activity_id}"),
                status_code=303,
            )

        return await sync_to_thread(move)

    @get(
        "/aktiviteter/{activity_id:int}/ta-bort",
        opt=requires(Action.EDIT_DRAFT),
        sync_to_thread=True,
        name="web:draft-activity-remove",
    )
    def confirm_remove_activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        activity_id: Id,
    ) -> Template:
        draft = _editable(registry, revision_id, actor_of(request))
        activity = _activity_of(draft, activity_id)
        return page(
            request,
            "drafts/remove.html",
            title="Ta bort aktiviteten",
            draft=draft,
            revision=draft.revision,
            organisation=draft.organisation,
            what=f"aktiviteten {activity.title}",
            version=activity.version,
            action=editor_path(revision_id, f"/aktiviteter/{activity_id}/ta-bort"),
        )

    @post(
        "/aktiviteter/{activity_id:int}/ta-bort",
        opt=requires(Action.EDIT_DRAFT),
        name="web:draft-activity-delete",
    )
    async def remove_activity(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        activity_id: Id,
    ) -> Redirect:
        data = await request.form()

        def remove() -> Redirect:
            actor = actor_of(request)
            draft = _editable(registry, revision_id, actor)
            _activity_of(draft, activity_id)
            try:
                registry.delete_activity(
                    activity_id, expected_version=version_of(data), actor=actor
                )
            except StaleVersion:
                return Redirect(
                    editor_path(revision_id, "?meddelande=andrat#aktiviteter"), status_code=303
                )
            return Redirect(
                editor_path(revision_id, "?meddelande=borttaget#aktiviteter"), status_code=303
            )

        return await sync_to_thread(remove)


def _known_section(draft: Draft, key: str) -> None:
    """A section of the draft or one the programme names (to be written); else 404."""
    if not any(s.key == key for s in draft.revision.sections) and not any(
        s.key == key for s in draft.programme.sections
    ):
        raise NotFound("Avsnittet", key)


def _activity_of(draft: Draft, activity_id: int) -> Any:
    activity = next((a for a in draft.revision.activities if a.id == activity_id), None)
    if activity is None:
        raise NotFound("Aktiviteten", activity_id)
    return activity
