"""`planregistry import-plan`: a plan document as a proposal, or applied as a draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("import-plan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_id", required=True, help="The organisation the plan belongs to.")
@click.option(
    "--cycle-year", type=click.IntRange(2000, 2100), default=None, help="The plan's year."
)
@click.option("--programme", "programme_id", default=None, help="Programme (default: the plan's).")
@click.option("--apply", "apply_", is_flag=True, help="Write it as a draft revision.")
@click.pass_context
def import_plan(
    ctx: click.Context,
    file: Path,
    org_id: str,
    cycle_year: int | None,
    programme_id: str | None,
    apply_: bool,
) -> None:
    """Read a plan (.docx, PDF with text, OCR text) and print what it would become.

    Without --apply nothing changes: the proposal (sections, activities, situation,
    findings with page and line) is printed as JSON. With --apply it is written as a
    draft revision of the organisation's plan, refused while the plan has an open
    draft, and marked in the audit trail as imported from FILE.
    """
    import msgspec

    from planregistry import settings
    from planregistry.registry import Registry

    data = file.read_bytes()
    # As the other commands do: a new SQLite database gets the schema, anything else not
    # ready stops with one line saying what to run.
    checked = settings.check(str(ctx.obj), database=True)
    assert checked.engine is not None
    with Registry(checked.engine) as registry:
        if not apply_:
            proposal = registry.propose_plan_import(
                org_id, data, file.name, programme_id=programme_id, cycle_year=cycle_year
            )
            sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(proposal)) + b"\n")
            return
        plan_import, _ = registry.create_plan_import(
            org_id, data, file.name, programme_id=programme_id, cycle_year=cycle_year
        )
        revision = registry.apply_plan_import(plan_import.id, cycle_year=cycle_year)
    findings = len(plan_import.proposal.findings)
    click.echo(
        f"Utkastet är skapat: revision {revision.number} (id {revision.id}) av plan "
        f"{revision.plan_id}, ”{revision.label}” {revision.cycle_year}, med "
        f"{len(revision.sections)} avsnitt och {len(revision.activities)} aktiviteter. "
        f"Importen har id {plan_import.id} och {findings} iakttagelser att granska."
    )
