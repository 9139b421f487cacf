"""The `tamis` command: serve, check, and administer tenants, keys, policies and the audit trail.

Every command reads the same settings as the server (`TAMIS_*` variables or `TAMIS_CONFIG`).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tamis.cli_dsa import dsa_app
from tamis.cli_images import scan
from tamis.cli_links import links_app
from tamis.cli_text import eval_app, train_app
from tamis.core import policy as policies
from tamis.core.verdict import ImageBox, Verdict
from tamis.errors import TamisError
from tamis.settings import Settings

app = typer.Typer(help="tamis: self-hostable content moderation.", no_args_is_help=True)
tenants_app = typer.Typer(help="Create and list tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
policy_app = typer.Typer(help="Validate, set and show policies.", no_args_is_help=True)
lexicon_app = typer.Typer(help="A tenant's own block and allow terms.", no_args_is_help=True)
audit_app = typer.Typer(
    help="Verify the audit chain; export signed checkpoints.", no_args_is_help=True
)
jobs_app = typer.Typer(
    help="Inspect and retry jobs, dead-lettered ones included.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
for sub, name in (
    (tenants_app, "tenants"),
    (keys_app, "keys"),
    (policy_app, "policy"),
    (lexicon_app, "lexicon"),
    (audit_app, "audit"),
    (jobs_app, "jobs"),
    (db_app, "db"),
):
    app.add_typer(sub, name=name)
app.add_typer(dsa_app, name="dsa")
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(links_app, name="links")
app.command("scan")(scan)

out = Console()
err = Console(stderr=True)

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant slug or id.")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


def _runtime(*, analyzers: bool = True) -> Any:
    from tamis.services.runtime import Runtime

    try:
        return Runtime.open(Settings(), analyzers=analyzers)
    except TamisError as exc:
        raise _fail(exc.message) from None


def _tenant_id(rt: Any, ref: str) -> str:
    with rt.store.read() as tx:
        tenant = tx.tenants.by_slug(slug=ref) or tx.tenants.get(tenant_id=ref)
    if tenant is None:
        raise _fail(f"no tenant {ref!r}; see `tamis tenants list`")
    return str(tenant.id)


# --- serving -------------------------------------------------------------------------------


def _init(rt: Any) -> None:
    from tamis.services import tenants

    with rt.store.write() as tx:
        if tx.tenants.list():
            return
        tenant, secret = tenants.create(tx, slug="default", name="Default tenant")
    out.print(f"Created tenant [bold]{tenant.slug}[/bold] ({tenant.id}).")
    out.print("Its admin API key, shown only this once:\n")
    out.print(f"    [bold green]{secret}[/bold green]\n")
    sys.stdout.flush()


@app.command()
def serve(
    init: Annotated[bool, typer.Option(help="Create the first tenant if there is none.")] = False,
    host: Annotated[str | None, typer.Option(help="Overrides TAMIS_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides TAMIS_PORT.")] = None,
) -> None:
    """Serve the HTTP API with in-process workers (OpenAPI docs at /docs)."""
    import uvicorn

    from tamis.api.app import create_app

    settings = Settings()
    processes = settings.server_processes
    rt = _runtime(analyzers=processes == 1)  # with several, each process loads its own
    if init:
        _init(rt)
    out.print(
        f"tamis on http://{host or settings.host}:{port or settings.port} with {processes} "
        f"process(es) (docs at /docs; data in {settings.data_dir.resolve()})"
    )
    sys.stdout.flush()
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level.lower(),
        "loop": "uvloop",
        "http": "httptools",
    }
    if processes == 1:
        try:
            uvicorn.run(create_app(settings, runtime=rt), **options)
        finally:
            rt.close()
    else:
        rt.close()  # each process builds its own runtime from the same settings
        # Two malloc arenas instead of eight per core: request threads that handle large
        # uploads otherwise leave memory scattered over many (measured: bench/hostile_media.py).
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        uvicorn.run("tamis.api.app:create_app", factory=True, workers=processes, **options)


@app.command()
def init() -> None:
    """Create the data directory and database, and the first tenant with its admin key."""
    rt = _runtime(analyzers=False)
    _init(rt)
    rt.close()


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Job threads.")] = 2,
) -> None:
    """Run job workers and housekeeping without serving HTTP (for scaling out)."""
    import signal
    import threading

    from tamis.jobs.worker import Workers

    rt = _runtime()
    workers = Workers(rt, job_threads=threads)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    workers.start()
    out.print(f"tamis worker running with {threads} job thread(s); Ctrl-C to stop")
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        workers.stop()
        rt.close()


# --- checking text -------------------------------------------------------------------------


def _lines(text: str | None, file: Path | None) -> list[str]:
    if file is not None:
        return file.read_text("utf-8").splitlines()
    if text == "-":
        return sys.stdin.read().splitlines()
    if text is None:
        raise _fail("give a text, --file FILE, or - to read lines from standard input")
    return [text]


def _box(evidence: object) -> str:
    if isinstance(evidence, ImageBox):
        where = f"{evidence.width}×{evidence.height} at ({evidence.x}, {evidence.y})"
        when = f" at {evidence.frame_ms} ms" if evidence.frame_ms else ""
        return f"{evidence.label} in image {evidence.part}, {where}{when}"
    return str(getattr(evidence, "kind", "evidence"))


def _image_named(argument: str) -> Path | None:
    """The image file `tamis check ARGUMENT` names, or None when the argument is a text.

    An argument naming something on disk that is not an image is an error rather than a
    text: judging the words of "photo.png" because the photo is broken would mislead.
    """
    from tamis.media.decode import sniff

    path = Path(argument)
    try:
        if not path.exists():
            return None
    except (OSError, ValueError):  # too long for a path, or a NUL in it: a text
        return None
    if path.is_dir():
        raise _fail(f"{argument} is a folder: `tamis scan {argument}` judges the images in it")
    if not path.is_file():
        raise _fail(f"{argument} is not a regular file (a pipe or a device?)")
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError as exc:
        raise _fail(f"{argument}: {exc.strerror}") from None
    if sniff(head) is None:
        raise _fail(
            f"{argument} is not an image tamis reads (JPEG, PNG, WebP or GIF, told by its first"
            " bytes); for the lines of a text file use --file"
        )
    return path


def _table(text: str, verdict: Verdict) -> Table:
    table = Table(
        title=f"{verdict.action.value.upper()}"
        + (f" (clause {verdict.clause})" if verdict.clause else ""),
        title_justify="left",
        show_edge=False,
    )
    table.add_column("category")
    table.add_column("score", justify="right")
    table.add_column("severity", justify="right")
    table.add_column("evidence")
    for name, score in verdict.categories.items():
        if score is None:
            continue
        spans = [
            repr(text[e.evidence.start : e.evidence.end])  # type: ignore[union-attr]
            if hasattr(e.evidence, "start")
            else _box(e.evidence)
            for e in verdict.evidence
            if e.category == name
        ]
        style = "red" if score >= 0.5 else ""
        table.add_row(
            name,
            f"[{style}]{score:.2f}[/{style}]" if style else f"{score:.2f}",
            str(verdict.severity.get(name, 0)),
            ", ".join(spans),
        )
    langs = (
        ", ".join(f"{lang.code}-{lang.script} {lang.confidence:.2f}" for lang in verdict.languages)
        or "undetermined"
    )
    table.caption = (
        f"languages: {langs} · unsupported: {len(verdict.unsupported)} categories"
        f" · policy {verdict.policy.name} v{verdict.policy.version}"
    )
    table.caption_justify = "left"
    return table


@app.command()
def check(
    text: Annotated[
        str | None, typer.Argument(help="The text, an image file, or - for stdin lines.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="One text per line.")] = None,
    image: Annotated[
        list[Path] | None, typer.Option("--image", "-i", help="An image beside the text.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON verdict per line.")] = False,
    policy: Annotated[
        Path | None, typer.Option(help="A policy file instead of the default.")
    ] = None,
) -> None:
    """Judge texts and images with the shipped analyzers (no server or database needed).

    `tamis check photo.jpg` judges the image; `tamis check "caption" -i photo.jpg` judges a
    caption and its photo as one item.
    """
    from tamis.library import moderate

    chosen = policies.parse(policy.read_text("utf-8"), name=str(policy)) if policy else None
    images = list(image or [])
    named = _image_named(text) if text is not None and file is None else None
    if named is not None:
        images, text = [named, *images], None
    if images:
        try:
            verdict = moderate(text, image=images, policy=chosen)
        except (TamisError, OSError) as exc:
            raise _fail(getattr(exc, "message", None) or str(exc)) from None
        if as_json:
            sys.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.print(_table(text or "", verdict))
        return
    lines = _lines(text, file)
    actions: Counter[str] = Counter()
    show_progress = len(lines) > 1 and not as_json and out.is_terminal
    with Progress(console=err, transient=True, disable=not show_progress) as progress:
        task = progress.add_task("checking", total=len(lines))
        for line in lines:
            verdict = moderate(line, policy=chosen)
            actions[verdict.action.value] += 1
            if as_json:
                sys.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n")
            elif len(lines) == 1 or verdict.flagged:
                out.print(_table(line, verdict))
            progress.advance(task)
    if len(lines) > 1:
        summary = ", ".join(f"{a}: {n}" for a, n in actions.most_common())
        (err if as_json else out).print(f"{len(lines)} texts checked; {summary}")


# --- tenants and keys ----------------------------------------------------------------------


@tenants_app.command("create")
def tenants_create(
    slug: str, name: Annotated[str | None, typer.Option(help="Display name.")] = None
) -> None:
    """Create a tenant with the default policy; prints its admin key once."""
    from tamis.services import tenants

    rt = _runtime()
    try:
        with rt.store.write() as tx:
            tenant, secret = tenants.create(tx, slug=slug, name=name)
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(f"tenant {tenant.slug} ({tenant.id}); admin key, shown once:\n{secret}")


@tenants_app.command("list")
def tenants_list() -> None:
    rt = _runtime()
    with rt.store.read() as tx:
        rows = tx.tenants.list()
    table = Table("id", "slug", "name", "created")
    for t in rows:
        table.add_row(t.id, t.slug, t.name, t.created_at.isoformat(timespec="seconds"))
    out.print(table)


@keys_app.command("create")
def keys_create(
    tenant: TenantOpt,
    name: Annotated[str, typer.Option(help="What the key is for.")],
    scope: Annotated[list[str], typer.Option(help="Repeat for several scopes.")],
) -> None:
    """Create an API key; its secret is printed once."""
    from tamis.services import keys

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            record, secret = keys.create(tx, tenant_id=tenant_id, name=name, scopes=scope)
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(f"key {record.id} ({', '.join(record.scopes)}), shown once:\n{secret}")


@keys_app.command("list")
def keys_list(tenant: TenantOpt) -> None:
    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    with rt.store.read() as tx:
        rows = tx.keys.list(tenant_id=tenant_id)
    table = Table("id", "name", "prefix", "scopes", "created", "revoked")
    for k in rows:
        table.add_row(
            k.id,
            k.name,
            k.prefix + "…",
            ", ".join(k.scopes),
            k.created_at.isoformat(timespec="seconds"),
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(tenant: TenantOpt, key_id: str) -> None:
    from tamis.services import keys

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            keys.revoke(tx, rt.keys, tenant_id=tenant_id, key_id=key_id)
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(f"revoked {key_id}")


# --- policies and lexicon ------------------------------------------------------------------


@policy_app.command("validate")
def policy_validate(file: Path) -> None:
    """Check a policy file; errors name the line at fault."""
    try:
        parsed = policies.parse(file.read_text("utf-8"), name=str(file))
    except (TamisError, OSError, UnicodeDecodeError) as exc:
        raise _fail(getattr(exc, "message", str(exc))) from None
    out.print(
        f"{file}: valid policy {parsed.document.name!r}, {len(parsed.rules)} rules, "
        f"sha256 {parsed.digest[:12]}"
    )


@policy_app.command("set")
def policy_set(tenant: TenantOpt, file: Path) -> None:
    """Validate a policy file and make it the tenant's current version."""
    from tamis.services.policies import set_policy

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            record = set_policy(tx, tenant_id=tenant_id, source=file.read_text("utf-8"))
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(f"policy {record.name!r} is now version {record.version} for {tenant}")


@policy_app.command("show")
def policy_show(tenant: TenantOpt) -> None:
    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    with rt.store.read() as tx:
        record = tx.policies.current(tenant_id=tenant_id)
    sys.stdout.write(record.source if record else policies.default_source())


@lexicon_app.command("add")
def lexicon_add(
    tenant: TenantOpt,
    term: str,
    category: Annotated[str | None, typer.Option(help="Needed for blocked terms.")] = None,
    allow: Annotated[bool, typer.Option("--allow", help="Allow instead of block.")] = False,
) -> None:
    from tamis.services import lexicon

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    try:
        with rt.store.write() as tx:
            lexicon.add_term(
                tx,
                tenant_id=tenant_id,
                list_name="allow" if allow else "block",
                term=term,
                category=category,
            )
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print("added")


@lexicon_app.command("remove")
def lexicon_remove(
    tenant: TenantOpt,
    term: str,
    allow: Annotated[bool, typer.Option("--allow", help="From the allow list.")] = False,
) -> None:
    from tamis.services import lexicon

    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    with rt.store.write() as tx:
        removed = lexicon.remove_term(
            tx, tenant_id=tenant_id, list_name="allow" if allow else "block", term=term
        )
    out.print("removed" if removed else "not listed")


@lexicon_app.command("share")
def lexicon_share(
    tenant: TenantOpt,
    with_: Annotated[str, typer.Option("--with", help="The tenant that may read the list.")],
    stop: Annotated[bool, typer.Option("--stop", help="Stop sharing instead.")] = False,
) -> None:
    """Share a tenant's block list, read-only, with another tenant."""
    from tamis.services import lexicon

    rt = _runtime()
    owner, subscriber = _tenant_id(rt, tenant), _tenant_id(rt, with_)
    try:
        with rt.store.write() as tx:
            if stop:
                changed = lexicon.unshare(tx, owner_id=owner, subscriber_id=subscriber)
            else:
                changed = lexicon.share(tx, owner_id=owner, subscriber_id=subscriber)
    except TamisError as exc:
        raise _fail(exc.message) from None
    out.print(("stopped sharing" if stop else "shared") if changed else "nothing to change")


@lexicon_app.command("list")
def lexicon_list(tenant: TenantOpt) -> None:
    rt = _runtime()
    tenant_id = _tenant_id(rt, tenant)
    with rt.store.read() as tx:
        rows = tx.lexicon.list(tenant_id=tenant_id)
    table = Table("list", "term", "category")
    for r in rows:
        table.add_row(r.list, r.term, r.category or "")
    out.print(table)


# --- audit, jobs, database -----------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        Path | None, typer.Option(help="A checkpoint file to check against.")
    ] = None,
) -> None:
    """Seal pending events, then recompute the whole chain (and check a checkpoint)."""
    from tamis.audit import checkpoint as checkpoints
    from tamis.audit.chain import verify

    rt = _runtime()
    while rt.audit.seal():
        pass
    result = verify(rt.audit.sealed())
    if not result.ok:
        raise _fail(f"audit chain broken after {result.events} events: {result.problem}")
    out.print(f"audit chain intact: {result.events} events, head {result.head_hash[:16]}…")
    if checkpoint is not None:
        point = checkpoints.Checkpoint.from_json(checkpoint.read_text("utf-8"))
        key = checkpoints.load_or_create_key(rt.settings.audit_key_path)
        if not checkpoints.signature_valid(point, key.public_key()):
            raise _fail("the checkpoint's signature does not match this instance's key")
        event = rt.audit.at(seq=point.seq)
        if event is None:
            raise _fail(f"the chain was truncated: checkpoint seq {point.seq} is missing")
        if event.hash != point.hash:
            raise _fail(
                f"the chain was rewritten: seq {point.seq} no longer has the checkpoint's hash"
            )
        out.print(f"checkpoint at seq {point.seq} matches")


@audit_app.command("checkpoint")
def audit_checkpoint(
    output: Annotated[Path | None, typer.Option("--out", help="Write the checkpoint here.")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST the checkpoint to this URL.")] = None,
) -> None:
    """Export a signed checkpoint of the chain's head to a file, a URL, or stdout."""
    import httpx

    from tamis.audit import checkpoint as checkpoints
    from tamis.ids import utcnow

    rt = _runtime()
    while rt.audit.seal():
        pass
    head = None
    for head in rt.audit.sealed():  # noqa: B007 - we want the last one
        pass
    if head is None or head.seq is None or head.hash is None:
        raise _fail("the audit chain is empty; nothing to checkpoint")
    key = checkpoints.load_or_create_key(rt.settings.audit_key_path)
    point = checkpoints.sign(key, seq=head.seq, head_hash=head.hash, at=utcnow())
    if output is not None:
        output.write_text(point.to_json() + "\n", "utf-8")
        out.print(f"checkpoint at seq {point.seq} written to {output}")
    if webhook is not None:
        response = httpx.post(
            webhook,
            content=point.to_json(),
            headers={"content-type": "application/json"},
            timeout=10,
        )
        if response.status_code >= 300:
            raise _fail(f"{webhook} answered HTTP {response.status_code}")
        out.print(f"checkpoint at seq {point.seq} sent to {webhook}")
    if output is None and webhook is None:
        sys.stdout.write(point.to_json() + "\n")


@jobs_app.command("list")
def jobs_list(
    state: Annotated[str | None, typer.Option(help="queued, running, done or dead.")] = None,
    limit: int = 50,
) -> None:
    rt = _runtime()
    table = Table("id", "tenant", "kind", "state", "attempts", "last error")
    for j in rt.jobs.list(tenant_id=None, state=state, limit=limit):
        table.add_row(
            str(j.id),
            j.tenant_id or "",
            j.kind,
            j.state,
            f"{j.attempts}/{j.max_attempts}",
            (j.last_error or "")[:60],
        )
    out.print(table)


@jobs_app.command("retry")
def jobs_retry(job_id: int) -> None:
    """Give a dead-lettered job a fresh set of attempts."""
    rt = _runtime()
    if not rt.jobs.retry(tenant_id=None, job_id=job_id):
        raise _fail(f"no dead-lettered job {job_id}")
    out.print(f"job {job_id} queued again")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations (serve and every command also do it on start)."""
    from tamis.store.sql import migrate

    rt = _runtime()
    out.print(f"database at revision {migrate.current(rt.store.engines)}")
