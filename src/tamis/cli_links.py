"""`tamis links`: a tenant's link rules, and a dry run that shows what tamis sees in a text.

The same service as `/v1/links`; `check` shows each link found (disguised ones included), its
normal form and the rule or list it matches, which is how an operator tests a new rule.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tamis.errors import TamisError

links_app = typer.Typer(
    help="A tenant's link rules (block or allow domains and URLs, with * wildcards).",
    no_args_is_help=True,
)

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant slug or id.")]
AllowOpt = Annotated[bool, typer.Option("--allow", help="The allow list instead of block.")]


@links_app.command("add")
def links_add(
    tenant: TenantOpt,
    pattern: str,
    allow: AllowOpt = False,
    category: Annotated[
        str | None, typer.Option(help="For a block rule: what it scores (default spam).")
    ] = None,
) -> None:
    """Add a rule: example.com, *.example.com, *.xyz or example.com/promo*."""
    from tamis.cli import _fail, _runtime, _tenant_id, out
    from tamis.services import links

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            normal, changed = links.add_rule(
                tx,
                tenant_id=tenant_id,
                list_name="allow" if allow else "block",
                pattern=pattern,
                category=category,
            )
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(f"{'added' if changed else 'already listed'}: {normal}")


@links_app.command("remove")
def links_remove(tenant: TenantOpt, pattern: str, allow: AllowOpt = False) -> None:
    from tamis.cli import _fail, _runtime, _tenant_id, out
    from tamis.services import links

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            removed = links.remove_rule(
                tx, tenant_id=tenant_id, list_name="allow" if allow else "block", pattern=pattern
            )
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print("removed" if removed else "not listed")


@links_app.command("list")
def links_list(tenant: TenantOpt) -> None:
    from tamis.cli import _runtime, _tenant_id, out

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    with rt.store.read() as tx:
        rows = tx.link_rules.list(tenant_id=tenant_id)
    table = Table("list", "pattern", "category")
    for r in rows:
        table.add_row(r.list, r.pattern, r.category or "")
    out.print(table)


@links_app.command("check")
def links_check(
    text: str,
    tenant: Annotated[
        str | None, typer.Option("--tenant", "-t", help="Match this tenant's rules too.")
    ] = None,
) -> None:
    """Show the links found in TEXT, their normal form and what they match."""
    from tamis.analyzers.text.links import RuleSet
    from tamis.analyzers.text.urls import find_links, shortener
    from tamis.cli import _runtime, _tenant_id, out

    rules = None
    if tenant is not None:
        rt = _runtime()
        tenant_id = _tenant_id(rt, tenant)
        with rt.store.read() as tx:
            rows = tx.link_rules.list(tenant_id=tenant_id)
        rules = RuleSet((r.list, r.pattern, r.category or "") for r in rows)
    table = Table("found", "normal form", "matches")
    for link in find_links(text):
        notes = []
        rule = rules.match(link) if rules is not None else None
        if rule is not None:
            notes.append(f"{rule.list} rule {rule.pattern}")
        listed = shortener(link.host)
        if listed:
            notes.append(f"shortener {listed}")
        if link.homoglyph:
            notes.append(f"look-alike letters ({link.homoglyph})")
        if link.obfuscated:
            notes.append("disguised")
        table.add_row(text[link.start : link.end], link.url, "; ".join(notes))
    out.print(table)
