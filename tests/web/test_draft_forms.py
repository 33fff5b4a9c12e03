"""The editor's merge of a stale save and its reading of the stored text format."""

from __future__ import annotations

from planregistry_api.web.draft_forms import merge, text_blocks

LABELS = {"rubrik": "Rubrik", "text": "Text", "ansvarig": "Ansvarig"}


def test_what_only_one_side_changed_is_kept_and_both_changing_a_field_is_a_choice() -> None:
    base = {"rubrik": "Samverkan", "text": "Gammal text.", "ansvarig": "SDF"}
    mine = {"rubrik": "Samverkan", "text": "Min text.", "ansvarig": "Socialtjänsten"}
    theirs = {"rubrik": "Samverkan lokalt", "text": "Gammal text.", "ansvarig": "Polisen"}
    result = merge(base, mine, theirs, LABELS)
    assert result.values == {
        "rubrik": "Samverkan lokalt",
        "text": "Min text.",
        "ansvarig": "Socialtjänsten",
    }
    assert result.taken == ["rubrik"]
    assert [(c.field, c.mine, c.theirs) for c in result.conflicts] == [
        ("ansvarig", "Socialtjänsten", "Polisen")
    ]
    assert result.other_changed_any


def test_a_change_elsewhere_in_the_draft_leaves_the_form_as_typed() -> None:
    base = {"rubrik": "Samverkan", "text": "Gammal text."}
    mine = {"rubrik": "Samverkan", "text": "Ny text."}
    result = merge(base, mine, dict(base), LABELS)
    assert result.values == mine and not result.conflicts and not result.other_changed_any


def test_without_a_base_every_difference_is_the_persons_choice() -> None:
    result = merge(None, {"text": "a"}, {"text": "b"}, LABELS)
    assert [c.field for c in result.conflicts] == ["text"] and result.other_changed_any


def test_paragraphs_and_lists_of_the_stored_text_format() -> None:
    body = "Första stycket\nfortsätter.\n\nInledning till listan:\n- ett\n- två\n\n\nSista."
    assert text_blocks(body) == [
        ("p", ["Första stycket", "fortsätter."]),
        ("p", ["Inledning till listan:"]),
        ("ul", ["ett", "två"]),
        ("p", ["Sista."]),
    ]
    assert text_blocks("") == []
