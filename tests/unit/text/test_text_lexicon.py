"""The lexicon analyzer: disguised insults caught in every variety, ordinary text left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.analyzers.base import Analysis, Analyzer, PartContext, TenantTerms
from tamis.analyzers.text.lexicon import LexiconAnalyzer
from tamis.core.content import TextPart
from tamis.core.verdict import Language, LexiconHit

LEXICON = LexiconAnalyzer()
NONE = PartContext(index=0, languages=())


def _analyze(text: str, context: PartContext = NONE) -> Analysis:
    return LEXICON.analyze(TextPart(text), context)


def _hits(analysis: Analysis) -> list[LexiconHit]:
    return [e for s in analysis.signals for e in s.evidence if isinstance(e, LexiconHit)]


def test_it_is_an_analyzer_with_a_data_versioned_version() -> None:
    assert isinstance(LEXICON, Analyzer)
    assert LexiconAnalyzer.name == "lexicon"
    assert LexiconAnalyzer.version.startswith("1.0.0+") and len(LexiconAnalyzer.version) > 8
    assert _analyze("bonjour").covered == {"toxicity/insult", "toxicity/profanity", "hate"}


def test_the_example_insult_scores_high_with_spans_on_the_original() -> None:
    text = "Va te faire foutre, connard"
    analysis = _analyze(text)
    insult = next(s for s in analysis.signals if s.category == "toxicity/insult")
    assert insult.score >= 0.9
    found = {text[h.start : h.end] for h in _hits(analysis)}
    assert {"Va te faire foutre", "connard"} <= found
    assert all(h.term != "connard" and ":" in h.term for h in _hits(analysis))


BENIGN_WORDS = (
    "Scunthorpe députée computadora disputa Conseil assessment cocktail analyse shiitake "
    "Shitake cockpit classic passage Dickens retardé constitution "
    "conseiller contre consulter bitten biting con carne chili con carne cul-de-sac "
    "Hancock Sussex Essex titre pénisule compte hellos scrapbook "
    "عكس كسر الكلبي بكسر كلبية حماية"
)

HEADLINES = [
    ("fr", "Le gouvernement présente un nouveau plan pour les retraites des fonctionnaires"),
    ("fr", "La députée a contesté le compte rendu du conseil municipal de Marseille"),
    ("fr", "Le train a pris du retard à cause d'une panne en gare de Lyon"),
    ("fr", "Analyse : la consommation des ménages repart à la hausse au troisième trimestre"),
    ("fr", "Tempête : des rafales à 130 km/h attendues sur les côtes bretonnes"),
    ("en", "Stock markets rally as inflation cools for a third consecutive month"),
    ("en", "Scunthorpe United earn late draw in a cocktail of drama and assessment errors"),
    ("en", "City council approves new bike lanes after a heated public consultation"),
    ("en", "Scientists discover a new species of frog in the Amazon rainforest"),
    ("en", "Dickens museum reopens after a two-year renovation"),
    ("es", "El Gobierno aprueba una nueva ley de vivienda con el apoyo de sus socios"),
    ("es", "La disputa por la computadora del ministerio llega a los tribunales"),
    ("es", "Un perro rescatado con su dueño tras el incendio forestal en Valencia"),
    ("es", "El Real Madrid gana con un gol en el último minuto"),
    ("es", "La selección viaja con muchas dudas a la Copa América"),
    ("ar", "أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد الوطني"),
    ("ar", "ارتفاع أسعار النفط في الأسواق العالمية بعد قرار أوبك"),
    ("ar", "وزارة الصحة تطلق حملة وطنية للتلقيح ضد الحصبة"),
    ("ar", "حماية الحيوان: جمعية تنقذ كلبا وحمارا من الإهمال في القرية"),
    ("ar", "عكس التوقعات، سجل المنتخب فوزا كبيرا وكسر الرقم القياسي"),
    ("ary", "الحكومة المغربية كتعلن على برنامج جديد ديال السكن"),
    ("ary", "واش غادي تكون الشتا هاد العام؟ الفلاحة محتاجة بزاف ديال الما"),
    ("ary", "الوداد ربح الماتش دابا وكلشي فرحان فالدار البيضاء"),
    ("ary", "هاد الفيلم مزيان بزاف، شفتو مع الدراري البارح"),
    ("ary", "خويا بغيت نمشي لطنجة فالصيف"),
    ("ary", "salam khouya, labas? wach ghadi tji l match lyoum"),
    ("ary", "daba 3ad wslat l7afila, kolchi mzyan hamdullah"),
    ("ary", "had l film zwin bzaf, chofto m3a sahbi"),
    ("ary", "3afak 3tini numero dyal tobib"),
    ("ary", "lyoum l3id, mabrouk 3likom kamlin"),
]


@pytest.mark.parametrize(("language", "text"), [*HEADLINES, *((c, BENIGN_WORDS) for c in "fes")])
@pytest.mark.parametrize("identified", [False, True])
def test_ordinary_text_is_never_flagged(language: str, text: str, identified: bool) -> None:
    """With no language identified, and with the text's own language (gated words in play)."""
    code = {"f": "fr", "e": "en", "s": "es"}.get(language, language)
    languages = (Language(code, "Latn", 0.9),) if identified else ()
    assert _analyze(text, PartContext(0, languages)).signals == ()


CAUGHT = [
    ("fr", "T'es vraiment un c o n n a r d", "toxicity/insult"),
    ("fr", "quelle s@l0pe celle-là", "toxicity/insult"),
    ("fr", "ENCULÉÉÉÉ", "toxicity/insult"),
    ("fr", "fils de p\u200bute", "toxicity/insult"),
    ("fr", "sale b\u043eugnoule", "hate"),
    ("en", "you are an a$$h0le", "toxicity/insult"),
    ("en", "fuuuuuck this", "toxicity/profanity"),
    ("en", "ｂｉｔｃｈ", "toxicity/insult"),
    ("en", "𝐦𝐨𝐭𝐡𝐞𝐫𝐟𝐮𝐜𝐤𝐞𝐫", "toxicity/insult"),
    ("en", "what an i.d.i.o.t", "toxicity/insult"),
    ("en", "sh\u00adit", "toxicity/profanity"),
    ("es", "eres un gilipoll4s", "toxicity/insult"),
    ("es", "hijo de p-u-t-a", "toxicity/insult"),
    ("es", "Cabrón\u202e", "toxicity/insult"),
    ("es", "pendejoooo", "toxicity/insult"),
    ("ar", "يا كـــلب", "toxicity/insult"),
    ("ar", "شَرْمُوطَة", "toxicity/insult"),
    ("ar", "والقحبه", "toxicity/insult"),
    ("ar", "يا ابن ا\u200cلكلب", "toxicity/insult"),
    ("ary", "ولد القحبة", "toxicity/insult"),
    ("ary", "نتا مكلخ بزاف", "toxicity/insult"),
    ("ary", "سير تقود", "toxicity/insult"),
    ("ary", "زامل", "hate"),
    ("ary-latn", "wld l9a7ba", "toxicity/insult"),
    ("ary-latn", "nta 7maaar", "toxicity/insult"),
    ("ary-latn", "ZAMEL", "hate"),
    ("ary-latn", "mkelekh\u200b", "toxicity/insult"),
]


@pytest.mark.parametrize(("variety", "text", "category"), CAUGHT)
def test_disguised_insults_are_caught(variety: str, text: str, category: str) -> None:
    analysis = _analyze(text)
    assert category in {s.category for s in analysis.signals}, (variety, text)
    for hit in _hits(analysis):
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start].strip() and text[hit.end - 1].strip()


def test_gated_words_need_their_language() -> None:
    french = PartContext(0, (Language("fr", "Latn", 0.9),))
    spanish = PartContext(0, (Language("es", "Latn", 0.9),))
    assert _analyze("t'es qu'un con", french).signals
    assert not _analyze("café con leche", spanish).signals
    assert not _analyze("a dog bite", PartContext(0, (Language("en", "Latn", 0.9),))).signals
    assert not _analyze("le train a du retard", french).signals
    assert _analyze("what a retard", PartContext(0, (Language("en", "Latn", 0.9),))).signals


def test_tenant_block_and_allow_terms() -> None:
    terms = TenantTerms(block=(("pineapple pizza", "custom/food"),), allow=("bitch",), version="1")
    context = PartContext(3, (), tenant_terms=terms)
    analysis = _analyze("I love p1neapple   pizza, bitch", context)
    categories = {s.category: s for s in analysis.signals}
    assert "toxicity/insult" not in categories
    hit = categories["custom/food"].evidence[0]
    assert isinstance(hit, LexiconHit) and hit.lexicon == "tenant" and hit.part == 3
    assert "I love p1neapple   pizza, bitch"[hit.start : hit.end] == "p1neapple   pizza"
    assert _analyze("bitch").signals  # another tenant's allow list does not leak


# Perturbations a property test combines freely on a listed term.
_HOMOGLYPH = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і"}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"}
_INVISIBLE = ["\u200b", "\u200c", "\u00ad", "\u2060", "\u202a", "\u202c", "\u2066", "\ufeff"]

LATIN_TERMS = ["connard", "salope", "asshole", "bitch", "gilipollas", "pendejo", "motherfucker"]
ARABIC_TERMS = ["قحبة", "شرموطة", "منيوك", "مكلخ", "زامل"]
ARABIZI_TERMS = ["zamel", "mkelekh", "qahba", "chmkar"]


@st.composite
def _latin_disguise(draw: st.DrawFn) -> str:
    term = draw(st.sampled_from(LATIN_TERMS))
    spaced = draw(st.booleans())
    chars = []
    for i, c in enumerate(term):
        kind = draw(st.sampled_from(["plain", "upper", "homo", "leet", "full", "math", "rep"]))
        if kind == "upper":
            c = c.upper()
        elif kind == "homo" and c in _HOMOGLYPH:
            c = _HOMOGLYPH[c]
        elif kind == "leet" and c in _LEET and 0 < i < len(term) - 1:
            c = _LEET[c]
        elif kind == "full":
            c = chr(ord(c) + 0xFEE0)
        elif kind == "math":
            c = chr(0x1D41A + ord(c) - ord("a"))
        elif kind == "rep":
            c = c * draw(st.integers(2, 5))
        if draw(st.integers(0, 3)) == 0 and i < len(term) - 1:
            c += draw(st.sampled_from(_INVISIBLE))
        chars.append(c)
    sep = draw(st.sampled_from([" ", ".", "-", "_", " . "])) if spaced else ""
    return "alors " + sep.join(chars) + " voila"


@st.composite
def _arabic_disguise(draw: st.DrawFn) -> str:
    term = draw(st.sampled_from(ARABIC_TERMS))
    variants = {"ة": ["ة", "ه"], "ي": ["ي", "ى", "ی"], "ك": ["ك", "ک"], "ا": ["ا", "أ", "إ", "آ"]}
    chars = []
    for i, c in enumerate(term):
        c = draw(st.sampled_from(variants.get(c, [c])))
        extra = draw(st.sampled_from(["", "ـ", "ــــ", "\u064e", "\u0651", "\u200b", "\u200f"]))
        if i < len(term) - 1:
            c += extra
        chars.append(c)
    prefix = draw(st.sampled_from(["", "و", "ال", "وال", "يا "]))
    if prefix.endswith("ال") and term.startswith("ال"):
        prefix = ""
    return "قال " + prefix + "".join(chars) + " !"


@st.composite
def _arabizi_disguise(draw: st.DrawFn) -> str:
    term = draw(st.sampled_from(ARABIZI_TERMS))
    chars = []
    for c in term:
        kind = draw(st.sampled_from(["plain", "upper", "rep", "full", "zw"]))
        if kind == "upper":
            c = c.upper()
        elif kind == "rep":
            c = c * draw(st.integers(2, 4))
        elif kind == "full":
            c = chr(ord(c) + 0xFEE0)
        elif kind == "zw":
            c += "\u200b"
        chars.append(c)
    return "wach nta " + "".join(chars).rstrip("\u200b") + " wlah"


@settings(max_examples=300, deadline=None)
@given(st.one_of(_latin_disguise(), _arabic_disguise(), _arabizi_disguise()))
def test_a_listed_term_survives_any_mix_of_disguises(text: str) -> None:
    hits = _hits(_analyze(text))
    assert hits, text
    for hit in hits:
        span = text[hit.start : hit.end]
        assert span.strip() == span and span, (text, span)
