"""The ASGI application: `create_app()` builds settings, the runtime and the workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tamis import __version__
from tamis.api import forms, problems
from tamis.api.limits import RequestLimits
from tamis.api.routes import (
    admin,
    casework,
    compat_openai,
    compat_perspective,
    dsa,
    examples,
    health,
    items,
    links,
    moderate,
)
from tamis.jobs.worker import Workers
from tamis.services.runtime import Runtime
from tamis.settings import Settings

DESCRIPTION = """
Self-hostable content moderation. Send what your users post; get a verdict with scores,
evidence, the policy clause that decided, and every analyzer's version.

Authenticate with `Authorization: Bearer tamis_sk_...`. Errors are RFC 9457
`application/problem+json`.
"""


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else Settings())
    rt = runtime or Runtime.open(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt.language_identifier.identify("warm up the language models before the first request")
        await asyncio.to_thread(rt.decoder.warm)
        for analyzer in rt.analyzers:  # load models now, not on the first request
            warm = getattr(analyzer, "warm", None)
            if callable(warm):
                await asyncio.to_thread(warm)
        workers = Workers(rt, job_threads=settings.workers)
        if settings.workers > 0:
            workers.start()
        try:
            yield
        finally:
            workers.stop()
            if runtime is None:
                rt.close()

    app = FastAPI(
        title="tamis",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.runtime = rt
    problems.install(app)
    for router in (
        health.router,
        moderate.router,
        items.router,
        admin.keys_router,
        admin.policy_router,
        admin.lexicon_router,
        links.router,
        admin.webhooks_router,
        admin.jobs_router,
        casework.reports_router,
        casework.decisions_router,
        casework.appeals_router,
        casework.authors_router,
        examples.router,
        dsa.router,
        compat_openai.router,
        compat_perspective.router,
    ):
        app.include_router(router)
    forms.install(app)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    return app
