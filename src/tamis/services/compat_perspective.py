"""Perspective's `comments:analyze`, answered from a tamis verdict.

An attribute is scored from the tamis categories mapped to it (`taxonomy.Category.perspective`)
and only when *every* one of them was scored for this comment: a TOXICITY that silently left
out threats because no analyzer covers threats in that language would be a reassuring number
that means nothing. Such a request gets Perspective's own refusal for languages it does not
serve (`LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE`), which Perspective's clients already handle.

SEVERE_TOXICITY has no category of its own: it is TOXICITY weighted by tamis severity, the
highest of `score * severity / 3` over TOXICITY's categories, so a confident threat (severity
3) keeps its full score, a confident insult counts for a third and swearing (severity 0) for
nothing.

Span offsets are in UTF-16 code units, as Perspective's are (its API reference: "the UTF-16
codepoint range", end exclusive), so a JavaScript client can slice the comment with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tamis.core import taxonomy
from tamis.core.content import Content
from tamis.core.verdict import Language, Verdict
from tamis.services.compat import judge_in, sentences, stated, utf16_offsets
from tamis.services.runtime import Runtime

__all__ = ["ATTRIBUTES", "LANGUAGES", "AnalyzeRequest", "PerspectiveError", "analyze", "score"]

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "ary")
"""What tamis serves: English, French, Spanish, Arabic and Moroccan Arabic (Darija)."""

_DERIVED = "SEVERE_TOXICITY"
_FIRST = ("TOXICITY", _DERIVED, "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT")


def _attributes() -> dict[str, tuple[str, ...]]:
    direct: dict[str, list[str]] = {}
    for category in taxonomy.CATEGORIES:
        for attribute in category.perspective:
            direct.setdefault(attribute, []).append(category.name)
    direct[_DERIVED] = list(direct["TOXICITY"])
    order = [*_FIRST, *sorted(set(direct) - set(_FIRST))]
    return {name: tuple(direct[name]) for name in order if name in direct}


ATTRIBUTES: dict[str, tuple[str, ...]] = _attributes()
"""Each attribute tamis answers, with the tamis categories it is scored from."""

NEEDED: dict[str, str] = {
    "TOXICITY": "toxicity/insult",
    _DERIVED: "toxicity/insult",
    "IDENTITY_ATTACK": "hate",
    "THREAT": "violence/threat",
}
"""The category without which an attribute is not answered; where none is named here, all of
the attribute's categories are needed. TOXICITY is answered from insults (with whatever else
is scored for the comment: profanity, hate, threats, harassment) rather than refused in the
languages where threats or harassment have no classifier: it is what most Perspective clients
ask for."""

_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"


class PerspectiveError(Exception):
    """A refusal in Perspective's error shape, with its `errorType`."""

    def __init__(
        self, error_type: str, message: str, *, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.error_type, self.message = error_type, message
        self.details = details or [{}]

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": 400,
                "message": self.message,
                "status": "INVALID_ARGUMENT",
                "details": [
                    {"@type": _ERROR_TYPE, "errorType": self.error_type, **d} for d in self.details
                ],
            }
        }


@dataclass(frozen=True, slots=True)
class AnalyzeRequest:
    text: str
    thresholds: dict[str, float | None]
    """Requested attribute -> its scoreThreshold (None: every score is returned)."""
    languages: tuple[str, ...] | None = None
    spans: bool = False
    client_token: str | None = None
    max_chars: int = 20_000


def score(verdict: Verdict, attribute: str) -> float | None:
    """The attribute's probability, or None when a category it needs was not scored."""
    sources = ATTRIBUTES[attribute]
    known = {c: v for c in sources if (v := verdict.categories.get(c)) is not None}
    needed = (NEEDED[attribute],) if attribute in NEEDED else sources
    if any(c not in known for c in needed):
        return None
    if attribute == _DERIVED:
        return max(v * verdict.severity.get(c, 0) / 3 for c, v in known.items())
    return max(known.values())


def language_code(raw: str) -> str:
    """`en-GB` -> `en`, `AR` -> `ar`; `ary` (Darija) is kept as it is."""
    return raw.strip().replace("_", "-").split("-")[0].lower()


def analyze(rt: Runtime, *, tenant_id: str, request: AnalyzeRequest) -> dict[str, Any]:
    text = request.text
    _check(request)
    requested = list(request.thresholds)
    detected: tuple[Language, ...] = ()
    languages: tuple[Language, ...] | None = None
    if request.languages is not None:
        codes = [language_code(c) for c in request.languages]
        detected = tuple(rt.language_identifier.identify(text))
        _check_languages(requested, request.languages, codes, detected)
        languages = stated(codes, text, detected)
    content = Content.of_text(text)
    verdict = judge_in(rt, tenant_id=tenant_id, content=content, languages=languages)
    rt.counters.add(tenant_id, f"moderate.{verdict.action.value}")
    if languages is None:
        detected = verdict.languages
    used = [lang.code for lang in (languages or verdict.languages[:1])]
    summary = {name: score(verdict, name) for name in requested}
    _check_coverage(summary, used, [lang.code for lang in detected], verdict)

    span_scores: dict[str, list[dict[str, Any]]] = {name: [] for name in requested}
    if request.spans:
        for start, end, sentence in _sentence_verdicts(rt, tenant_id, text, verdict, languages):
            for name in requested:
                value = score(sentence, name)
                threshold = request.thresholds[name]
                if value is not None and (threshold is None or value >= threshold):
                    span_scores[name].append(
                        {"begin": start, "end": end, "score": _probability(value)}
                    )

    attribute_scores: dict[str, Any] = {}
    for name in requested:
        value = summary[name]
        assert value is not None  # _check_coverage refused the request otherwise
        threshold = request.thresholds[name]
        if threshold is not None and value < threshold:
            continue
        entry: dict[str, Any] = {"summaryScore": _probability(value)}
        if request.spans:
            entry["spanScores"] = span_scores[name]
        attribute_scores[name] = entry
    body: dict[str, Any] = {
        "attributeScores": attribute_scores,
        "languages": used,
        "detectedLanguages": list(dict.fromkeys(lang.code for lang in detected)),
    }
    if request.client_token is not None:
        body["clientToken"] = request.client_token
    return body


def _probability(value: float) -> dict[str, Any]:
    return {"value": round(value, 6), "type": "PROBABILITY"}


def _check(request: AnalyzeRequest) -> None:
    if not any(char.isprintable() and not char.isspace() for char in request.text):
        raise PerspectiveError("COMMENT_EMPTY", "comment.text is empty; send the comment's text")
    if len(request.text) > request.max_chars:
        raise PerspectiveError(
            "COMMENT_TOO_LONG",
            f"comment.text has {len(request.text)} characters; the limit is {request.max_chars} "
            "(TAMIS_MAX_TEXT_CHARS)",
        )
    if not request.thresholds:
        raise PerspectiveError(
            "NO_REQUESTED_ATTRIBUTES",
            f"requestedAttributes is empty; ask for some of {', '.join(ATTRIBUTES)}",
        )
    unknown = [name for name in request.thresholds if name not in ATTRIBUTES]
    if unknown:
        raise PerspectiveError(
            "INVALID_REQUEST",
            f"tamis does not answer the attribute(s) {', '.join(unknown)}; "
            f"it answers {', '.join(ATTRIBUTES)}",
        )


def _check_languages(
    requested: list[str],
    sent: tuple[str, ...],
    codes: list[str],
    detected: tuple[Language, ...],
) -> None:
    foreign = [raw for raw, c in dict(zip(sent, codes, strict=True)).items() if c not in LANGUAGES]
    if foreign:
        named = ", ".join(map(repr, foreign))
        raise PerspectiveError(
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            f"Attribute {requested[0]} does not support request languages: "
            f"{named}. tamis scores {', '.join(LANGUAGES)} (ary is Moroccan "
            "Arabic); leave out 'languages' to have the comment's language detected",
            details=[
                {
                    "languageNotSupportedByAttributeError": {
                        "attribute": name,
                        "requestedLanguages": codes,
                        "detectedLanguages": [lang.code for lang in detected],
                    }
                }
                for name in requested
            ],
        )


def _check_coverage(
    summary: dict[str, float | None], used: list[str], detected: list[str], verdict: Verdict
) -> None:
    missing = [name for name, value in summary.items() if value is None]
    if not missing:
        return
    scorable = [name for name in ATTRIBUTES if score(verdict, name) is not None]
    where = ", ".join(used) or "undetected"
    unscored = sorted({c for name in missing for c in ATTRIBUTES[name]} & set(verdict.unsupported))
    raise PerspectiveError(
        "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
        f"tamis cannot score {', '.join(missing)} for this comment (language: {where}): no "
        f"installed analyzer covers {', '.join(unscored)} here. It can score "
        f"{', '.join(scorable) or 'no attribute'} for it",
        details=[
            {
                "languageNotSupportedByAttributeError": {
                    "attribute": name,
                    "languages": used,
                    "detectedLanguages": detected,
                    "unsupportedCategories": [c for c in ATTRIBUTES[name] if c in unscored],
                }
            }
            for name in missing
        ],
    )


def _sentence_verdicts(
    rt: Runtime,
    tenant_id: str,
    text: str,
    whole: Verdict,
    languages: tuple[Language, ...] | None,
) -> list[tuple[int, int, Verdict]]:
    """Each sentence judged alone, in the languages the whole comment was judged in."""
    spans = sentences(text)
    utf16 = utf16_offsets(text, [i for span in spans for i in span])
    chosen = languages if languages is not None else whole.languages
    return [
        (
            utf16[start],
            utf16[end],
            judge_in(
                rt,
                tenant_id=tenant_id,
                content=Content.of_text(text[start:end]),
                languages=chosen,
            ),
        )
        for start, end in spans
    ]
