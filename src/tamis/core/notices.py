"""The notice that tells a person what was decided about their content or account, and why.

A statement of reasons (DSA Article 17) is only useful if its addressee can read it: the
Transparency Database wants codes, the author wants a plain letter in their own language. This
module renders a `Statement` into that letter, in the author's language as the platform reports
it (never guessed from the content, which could be a quote, a reply or a deliberate mix). Every
element Article 17 asks for appears in every language, so a translation can't quietly drop one;
facts, grounds and explanations written by people are quoted verbatim rather than translated.

Phrases are short and assembled by code rather than a template engine, so a missing or extra
element shows up as a code path a test can exercise, in each language alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tamis.core.decisions import AccountAction, Ground, Statement, Visibility

LOCALES = ("fr", "ar", "en", "es")
DEFAULT_LOCALE = "en"

_ALIASES = {
    # ISO 639-2/3 codes some platforms send instead of the two-letter subtag.
    "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "ara": "ar",
    # Arabic varieties (the Maghreb ones first): all read Modern Standard Arabic.
    "ary": "ar", "arq": "ar", "aeb": "ar", "ayl": "ar", "arz": "ar", "apc": "ar", "ajp": "ar",
    "apd": "ar", "acm": "ar", "afb": "ar", "ars": "ar", "arb": "ar", "acx": "ar", "aec": "ar",
    "shu": "ar", "ayh": "ar", "ayn": "ar", "ayp": "ar", "acw": "ar", "adf": "ar", "abv": "ar",
}  # fmt: skip


def resolve_locale(author_locale: str | None) -> str:
    """One of `LOCALES` from the language tag the platform gives for the author (BCP 47 or
    POSIX style); anything unknown falls back to English."""
    if not author_locale:
        return DEFAULT_LOCALE
    tag = re.split(r"[.@]", author_locale.strip())[0]
    language = re.split(r"[-_]", tag)[0].lower()
    language = _ALIASES.get(language, language)
    return language if language in LOCALES else DEFAULT_LOCALE


@dataclass(frozen=True)
class Notice:
    locale: str
    subject: str
    body: str

    @property
    def direction(self) -> str:
        """Text direction, for callers that wrap the body in HTML (`dir` attribute)."""
        return "rtl" if self.locale == "ar" else "ltr"

    def to_dict(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "direction": self.direction,
            "subject": self.subject,
            "body": self.body,
        }


_EN = {
    "date_format": "%Y-%m-%d",
    "list_sep": ", ",
    "subject_content": "Decision about your content ({item})",
    "subject_account": "Decision about your account",
    "greeting": "Hello,",
    "intro_content": "On {date}, we made a decision about your content ({item}). "
    "Here is what we decided and why.",
    "intro_account": "On {date}, we made a decision about your account, after reviewing your "
    "content ({item}). Here is what we decided and why.",
    "h_decision": "What we decided",
    "vis_removed": "We have removed your content.",
    "vis_disabled": "We have disabled access to your content: other people can no longer see it.",
    "vis_demoted": "We have reduced the visibility of your content: it stays online but is "
    "shown to fewer people.",
    "vis_age_restricted": "We have made your content visible to adults only.",
    "vis_interaction_restricted": "We have limited how other people can interact with your "
    "content, for example by replying to it or sharing it.",
    "vis_labelled": "We have added a label to your content; it stays online.",
    "vis_none": "Your content is available: we have not restricted it, or we have lifted an "
    "earlier restriction.",
    "acct_suspended": "We have suspended your account.",
    "acct_terminated": "We have closed your account.",
    "span": "This applies {when}, {where}.",
    "span_where": "This applies {where}.",
    "where_world": "worldwide",
    "where_countries": "only in these countries: {countries}",
    "when_until": "until {date}",
    "when_open": "until further notice",
    "category": "Category: {category}.",
    "h_reasons": "Why",
    "facts": "The facts we relied on:",
    "ground_terms": "Our ground: this content is incompatible with our terms of service, "
    "clause {clause}.",
    "ground_terms_general": "Our ground: this content is incompatible with our terms of service.",
    "clause_titled": "{clause} (“{title}”)",
    "terms_url": "You can read our terms of service here: {url}",
    "also_illegal": "We also consider it illegal.",
    "ground_illegal": "Our ground: we consider this content illegal. Legal basis: {law}.",
    "ground_illegal_general": "Our ground: we consider this content illegal under the "
    "applicable law.",
    "explanation": "Our explanation: {explanation}",
    "h_process": "How we handled it",
    "src_notice": "We looked at this content after one or more users reported it to us.",
    "src_trusted_flagger": "We looked at this content after a report from a trusted flagger, "
    "an organisation recognised for its expertise (Article 22 of the Digital Services Act).",
    "src_own_initiative": "We looked at this content on our own initiative; no one reported it.",
    "det_yes": "It was detected by automated means.",
    "det_no": "It was not detected by automated means.",
    "auto_fully": "The decision was taken entirely by automated means.",
    "auto_partially": "The decision was taken partly by automated means, with a person involved.",
    "auto_not": "The decision was taken by a person, without automated means.",
    "h_redress": "If you disagree",
    "appeal_until": "You can appeal this decision with us, free of charge, until {date}. "
    "A person will review your appeal.",
    "appeal_open": "You can appeal this decision with us, free of charge, for at least six "
    "months from its date. A person will review your appeal.",
    "ods": "You can also turn to a certified out-of-court dispute settlement body "
    "(Article 21 of the Digital Services Act).",
    "courts": "In any case, you can take the matter to the courts.",
    "redress_extra": "More information: {text}",
    "closing": "Kind regards,",
    "signature": "The moderation team",
}

_FR = {
    "date_format": "%d/%m/%Y",
    "list_sep": ", ",
    "subject_content": "Décision concernant votre contenu ({item})",
    "subject_account": "Décision concernant votre compte",
    "greeting": "Bonjour,",
    "intro_content": "Le {date}, nous avons pris une décision concernant votre contenu ({item}). "
    "Voici ce que nous avons décidé, et pourquoi.",
    "intro_account": "Le {date}, nous avons pris une décision concernant votre compte, après "
    "examen de votre contenu ({item}). Voici ce que nous avons décidé, et pourquoi.",
    "h_decision": "Notre décision",
    "vis_removed": "Nous avons supprimé votre contenu.",
    "vis_disabled": "Nous avons bloqué l'accès à votre contenu : les autres personnes ne "
    "peuvent plus le voir.",
    "vis_demoted": "Nous avons réduit la visibilité de votre contenu : il reste en ligne, mais "
    "il est montré à moins de personnes.",
    "vis_age_restricted": "Nous avons réservé votre contenu à un public adulte.",
    "vis_interaction_restricted": "Nous avons limité les interactions avec votre contenu, par "
    "exemple les réponses ou les partages.",
    "vis_labelled": "Nous avons ajouté une étiquette à votre contenu ; il reste en ligne.",
    "vis_none": "Votre contenu est accessible : nous ne l'avons pas restreint, ou nous avons "
    "levé une restriction antérieure.",
    "acct_suspended": "Nous avons suspendu votre compte.",
    "acct_terminated": "Nous avons fermé votre compte.",
    "span": "Cette mesure s'applique {when}, {where}.",
    "span_where": "Cette mesure s'applique {where}.",
    "where_world": "dans le monde entier",
    "where_countries": "uniquement dans les pays suivants : {countries}",
    "when_until": "jusqu'au {date}",
    "when_open": "jusqu'à nouvel ordre",
    "category": "Catégorie : {category}.",
    "h_reasons": "Nos motifs",
    "facts": "Les faits sur lesquels nous nous fondons :",
    "ground_terms": "Fondement : ce contenu est incompatible avec nos conditions d'utilisation, "
    "clause {clause}.",
    "ground_terms_general": "Fondement : ce contenu est incompatible avec nos conditions "
    "d'utilisation.",
    "clause_titled": "{clause} (« {title} »)",
    "terms_url": "Vous pouvez consulter nos conditions d'utilisation ici : {url}",
    "also_illegal": "Nous estimons également qu'il est illicite.",
    "ground_illegal": "Fondement : nous estimons que ce contenu est illicite. Base légale : {law}.",
    "ground_illegal_general": "Fondement : nous estimons que ce contenu est illicite au regard "
    "de la loi applicable.",
    "explanation": "Notre explication : {explanation}",
    "h_process": "Comment nous avons traité ce cas",
    "src_notice": "Nous avons examiné ce contenu après un ou plusieurs signalements "
    "d'utilisateurs.",
    "src_trusted_flagger": "Nous avons examiné ce contenu à la suite du signalement d'un "
    "signaleur de confiance, un organisme reconnu pour son expertise (article 22 du règlement "
    "sur les services numériques).",
    "src_own_initiative": "Nous avons examiné ce contenu de notre propre initiative, sans "
    "signalement.",
    "det_yes": "Il a été détecté par des moyens automatisés.",
    "det_no": "Il n'a pas été détecté par des moyens automatisés.",
    "auto_fully": "La décision a été prise entièrement par des moyens automatisés.",
    "auto_partially": "La décision a été prise en partie par des moyens automatisés, avec "
    "l'intervention d'une personne.",
    "auto_not": "La décision a été prise par une personne, sans moyens automatisés.",
    "h_redress": "Vos voies de recours",
    "appeal_until": "Vous pouvez faire appel de cette décision auprès de nous, gratuitement, "
    "jusqu'au {date}. Une personne examinera votre demande.",
    "appeal_open": "Vous pouvez faire appel de cette décision auprès de nous, gratuitement, "
    "pendant au moins six mois à compter de sa date. Une personne examinera votre demande.",
    "ods": "Vous pouvez aussi vous adresser à un organisme certifié de règlement "
    "extrajudiciaire des litiges (article 21 du règlement sur les services numériques).",
    "courts": "Dans tous les cas, vous pouvez saisir les tribunaux.",
    "redress_extra": "Informations complémentaires : {text}",
    "closing": "Cordialement,",
    "signature": "L'équipe de modération",
}

_ES = {
    "date_format": "%d/%m/%Y",
    "list_sep": ", ",
    "subject_content": "Decisión sobre su contenido ({item})",
    "subject_account": "Decisión sobre su cuenta",
    "greeting": "Hola:",
    "intro_content": "El {date} tomamos una decisión sobre su contenido ({item}). A "
    "continuación le explicamos qué hemos decidido y por qué.",
    "intro_account": "El {date} tomamos una decisión sobre su cuenta, tras revisar su "
    "contenido ({item}). A continuación le explicamos qué hemos decidido y por qué.",
    "h_decision": "Nuestra decisión",
    "vis_removed": "Hemos eliminado su contenido.",
    "vis_disabled": "Hemos bloqueado el acceso a su contenido: otras personas ya no pueden verlo.",
    "vis_demoted": "Hemos reducido la visibilidad de su contenido: sigue publicado, pero se "
    "muestra a menos personas.",
    "vis_age_restricted": "Hemos limitado su contenido al público adulto.",
    "vis_interaction_restricted": "Hemos limitado las interacciones con su contenido, por "
    "ejemplo las respuestas o las veces que se comparte.",
    "vis_labelled": "Hemos añadido una etiqueta a su contenido; sigue publicado.",
    "vis_none": "Su contenido está disponible: no lo hemos restringido, o hemos levantado una "
    "restricción anterior.",
    "acct_suspended": "Hemos suspendido su cuenta.",
    "acct_terminated": "Hemos cerrado su cuenta.",
    "span": "Esta medida se aplica {when}, {where}.",
    "span_where": "Esta medida se aplica {where}.",
    "where_world": "en todo el mundo",
    "where_countries": "solo en los siguientes países: {countries}",
    "when_until": "hasta el {date}",
    "when_open": "hasta nuevo aviso",
    "category": "Categoría: {category}.",
    "h_reasons": "Nuestros motivos",
    "facts": "Los hechos en los que nos basamos:",
    "ground_terms": "Fundamento: este contenido es incompatible con nuestras condiciones de "
    "uso, cláusula {clause}.",
    "ground_terms_general": "Fundamento: este contenido es incompatible con nuestras "
    "condiciones de uso.",
    "clause_titled": "{clause} («{title}»)",
    "terms_url": "Puede consultar nuestras condiciones de uso aquí: {url}",
    "also_illegal": "Además, consideramos que es ilícito.",
    "ground_illegal": "Fundamento: consideramos que este contenido es ilícito. Base jurídica: "
    "{law}.",
    "ground_illegal_general": "Fundamento: consideramos que este contenido es ilícito según la "
    "ley aplicable.",
    "explanation": "Nuestra explicación: {explanation}",
    "h_process": "Cómo hemos tramitado el caso",
    "src_notice": "Revisamos este contenido después de que uno o varios usuarios nos lo "
    "notificaran.",
    "src_trusted_flagger": "Revisamos este contenido tras la notificación de un alertador "
    "fiable, una entidad reconocida por su experiencia (artículo 22 del Reglamento de "
    "Servicios Digitales).",
    "src_own_initiative": "Revisamos este contenido por iniciativa propia, sin que nadie lo "
    "notificara.",
    "det_yes": "Se detectó por medios automatizados.",
    "det_no": "No se detectó por medios automatizados.",
    "auto_fully": "La decisión se tomó íntegramente por medios automatizados.",
    "auto_partially": "La decisión se tomó en parte por medios automatizados, con la "
    "intervención de una persona.",
    "auto_not": "La decisión la tomó una persona, sin medios automatizados.",
    "h_redress": "Si no está de acuerdo",
    "appeal_until": "Puede presentarnos un recurso contra esta decisión, de forma gratuita, "
    "hasta el {date}. Una persona lo examinará.",
    "appeal_open": "Puede presentarnos un recurso contra esta decisión, de forma gratuita, "
    "durante al menos seis meses desde su fecha. Una persona lo examinará.",
    "ods": "También puede acudir a un órgano certificado de resolución extrajudicial de "
    "litigios (artículo 21 del Reglamento de Servicios Digitales).",
    "courts": "En cualquier caso, puede acudir a los tribunales.",
    "redress_extra": "Más información: {text}",
    "closing": "Atentamente,",
    "signature": "El equipo de moderación",
}

_AR = {
    "date_format": "%d/%m/%Y",
    "list_sep": "، ",
    "subject_content": "قرار بشأن المحتوى الخاص بك ({item})",
    "subject_account": "قرار بشأن حسابك",
    "greeting": "مرحبًا،",
    "intro_content": "في {date}، اتخذنا قرارًا بشأن المحتوى الخاص بك ({item}). نوضح لك فيما "
    "يلي ما قررناه وأسبابه.",
    "intro_account": "في {date}، اتخذنا قرارًا بشأن حسابك بعد مراجعة المحتوى الخاص بك "
    "({item}). نوضح لك فيما يلي ما قررناه وأسبابه.",
    "h_decision": "قرارنا",
    "vis_removed": "لقد حذفنا المحتوى الخاص بك.",
    "vis_disabled": "لقد عطّلنا الوصول إلى المحتوى الخاص بك، فلم يعد بإمكان الآخرين رؤيته.",
    "vis_demoted": "لقد قلّلنا ظهور المحتوى الخاص بك: يبقى منشورًا لكنه يُعرض على عدد أقل من الأشخاص.",
    "vis_age_restricted": "لقد قصرنا عرض المحتوى الخاص بك على البالغين.",
    "vis_interaction_restricted": "لقد قيّدنا طرق تفاعل الآخرين مع المحتوى الخاص بك، مثل "
    "الرد عليه أو مشاركته.",
    "vis_labelled": "لقد أضفنا وسمًا توضيحيًا إلى المحتوى الخاص بك، ويبقى منشورًا.",
    "vis_none": "المحتوى الخاص بك متاح: لم نفرض عليه أي قيد، أو رفعنا قيدًا سابقًا.",
    "acct_suspended": "لقد علّقنا حسابك.",
    "acct_terminated": "لقد أغلقنا حسابك.",
    "span": "يسري هذا الإجراء {when}، {where}.",
    "span_where": "يسري هذا الإجراء {where}.",
    "where_world": "في جميع أنحاء العالم",
    "where_countries": "في البلدان التالية فقط: {countries}",
    "when_until": "حتى {date}",
    "when_open": "حتى إشعار آخر",
    "category": "الفئة: {category}.",
    "h_reasons": "أسباب القرار",
    "facts": "الوقائع التي استندنا إليها:",
    "ground_terms": "الأساس: هذا المحتوى يخالف شروط الاستخدام الخاصة بنا، البند {clause}.",
    "ground_terms_general": "الأساس: هذا المحتوى يخالف شروط الاستخدام الخاصة بنا.",
    "clause_titled": "{clause} («{title}»)",
    "terms_url": "يمكنك الاطلاع على شروط الاستخدام هنا: {url}",
    "also_illegal": "ونرى أيضًا أنه غير قانوني.",
    "ground_illegal": "الأساس: نرى أن هذا المحتوى غير قانوني. السند القانوني: {law}.",
    "ground_illegal_general": "الأساس: نرى أن هذا المحتوى غير قانوني بموجب القانون المعمول به.",
    "explanation": "توضيحنا: {explanation}",
    "h_process": "كيف تعاملنا مع هذه الحالة",
    "src_notice": "راجعنا هذا المحتوى بعد أن أبلغنا عنه مستخدم واحد أو أكثر.",
    "src_trusted_flagger": "راجعنا هذا المحتوى بعد بلاغ من مُبلِّغ موثوق، وهو جهة معترف "
    "بخبرتها (المادة 22 من قانون الخدمات الرقمية).",
    "src_own_initiative": "راجعنا هذا المحتوى بمبادرة منا، دون أن يبلّغ عنه أحد.",
    "det_yes": "تم رصده بوسائل آلية.",
    "det_no": "لم يتم رصده بوسائل آلية.",
    "auto_fully": "اتُّخذ القرار بالكامل بوسائل آلية.",
    "auto_partially": "اتُّخذ القرار جزئيًا بوسائل آلية، بمشاركة شخص.",
    "auto_not": "اتخذ القرارَ شخصٌ، دون وسائل آلية.",
    "h_redress": "إذا كنت لا توافق على القرار",
    "appeal_until": "يمكنك تقديم طعن في هذا القرار لدينا مجانًا حتى {date}. سيراجع طعنك "
    "شخص من فريقنا.",
    "appeal_open": "يمكنك تقديم طعن في هذا القرار لدينا مجانًا خلال ستة أشهر على الأقل من "
    "تاريخه. سيراجع طعنك شخص من فريقنا.",
    "ods": "يمكنك أيضًا اللجوء إلى هيئة معتمدة لتسوية النزاعات خارج القضاء (المادة 21 من "
    "قانون الخدمات الرقمية).",
    "courts": "وفي جميع الأحوال، يمكنك رفع الأمر إلى المحاكم.",
    "redress_extra": "معلومات إضافية: {text}",
    "closing": "مع خالص التحية،",
    "signature": "فريق الإشراف على المحتوى",
}

PHRASES: dict[str, dict[str, str]] = {"en": _EN, "fr": _FR, "es": _ES, "ar": _AR}

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "sexual/explicit": "explicit sexual content",
        "sexual/suggestive": "sexually suggestive content",
        "sexual/minors": "sexual content involving minors",
        "violence": "violence",
        "violence/graphic": "graphic violence",
        "violence/threat": "threats of violence",
        "hate": "hate speech",
        "hate/threat": "threats against a group",
        "harassment": "harassment",
        "toxicity/insult": "insults",
        "toxicity/profanity": "profanity",
        "self_harm": "promotion of self-harm",
        "extremism": "terrorist or violent extremist content",
        "spam": "spam",
        "scam": "scams and fraud",
    },
    "fr": {
        "sexual/explicit": "contenu sexuel explicite",
        "sexual/suggestive": "contenu sexuellement suggestif",
        "sexual/minors": "contenu sexuel impliquant des mineurs",
        "violence": "violence",
        "violence/graphic": "violence graphique",
        "violence/threat": "menaces de violence",
        "hate": "discours de haine",
        "hate/threat": "menaces visant un groupe",
        "harassment": "harcèlement",
        "toxicity/insult": "insultes",
        "toxicity/profanity": "grossièretés",
        "self_harm": "incitation à l'automutilation",
        "extremism": "contenu terroriste ou extrémiste violent",
        "spam": "messages indésirables",
        "scam": "arnaques et fraudes",
    },
    "es": {
        "sexual/explicit": "contenido sexual explícito",
        "sexual/suggestive": "contenido sexualmente sugerente",
        "sexual/minors": "contenido sexual que involucra a menores",
        "violence": "violencia",
        "violence/graphic": "violencia gráfica",
        "violence/threat": "amenazas de violencia",
        "hate": "discurso de odio",
        "hate/threat": "amenazas contra un grupo",
        "harassment": "acoso",
        "toxicity/insult": "insultos",
        "toxicity/profanity": "lenguaje soez",
        "self_harm": "promoción de las autolesiones",
        "extremism": "contenido terrorista o extremista violento",
        "spam": "mensajes no deseados",
        "scam": "estafas y fraudes",
    },
    "ar": {
        "sexual/explicit": "محتوى جنسي صريح",
        "sexual/suggestive": "محتوى ذو إيحاءات جنسية",
        "sexual/minors": "محتوى جنسي يتعلق بقاصرين",
        "violence": "العنف",
        "violence/graphic": "مشاهد العنف الدموية",
        "violence/threat": "التهديد بالعنف",
        "hate": "خطاب الكراهية",
        "hate/threat": "تهديدات ضد مجموعة",
        "harassment": "التحرش",
        "toxicity/insult": "الإهانات",
        "toxicity/profanity": "الألفاظ النابية",
        "self_harm": "التشجيع على إيذاء النفس",
        "extremism": "محتوى إرهابي أو متطرف عنيف",
        "spam": "الرسائل غير المرغوب فيها",
        "scam": "الاحتيال والنصب",
    },
}

# Only a redress text carrying a way to reach someone adds to the three routes stated above.
_CONTACT = re.compile(r"https?://|www\.|[^\s@]+@[^\s@]+\.[a-z]{2,}", re.IGNORECASE)


def render(
    statement: Statement,
    *,
    locale: str | None,
    item_ref: str,
    decided_at: datetime,
    appeal_until: datetime | None,
    terms_title: str | None = None,
) -> Notice:
    """The notice for the author of the item (the account holder, for account actions).

    `locale` is the author's language tag as the platform reports it; `resolve_locale` maps it.
    """
    lang = resolve_locale(locale)
    p = PHRASES[lang]

    def day(value: datetime) -> str:
        return value.strftime(p["date_format"])

    about_account = statement.account is not None
    subject = p["subject_account" if about_account else "subject_content"].format(item=item_ref)
    intro = p["intro_account" if about_account else "intro_content"]

    decided = _decision(statement, p, day)
    decided.append(p["category"].format(category=_category(statement.category, lang)))

    reasons = [p["facts"] + "\n" + statement.facts, _ground(statement, p, terms_title)]
    if statement.explanation.strip():
        reasons.append(p["explanation"].format(explanation=statement.explanation))

    process = " ".join(
        (
            p["src_" + statement.source.value],
            p["det_yes" if statement.automated_detection else "det_no"],
            p["auto_" + statement.automated_decision.value],
        )
    )

    redress = [
        p["appeal_until"].format(date=day(appeal_until)) if appeal_until else p["appeal_open"],
        p["ods"],
        p["courts"],
    ]
    if _CONTACT.search(statement.redress):
        redress.append(p["redress_extra"].format(text=statement.redress.strip()))

    sections = [
        p["greeting"],
        intro.format(date=day(decided_at), item=item_ref),
        _section(p["h_decision"], decided),
        _section(p["h_reasons"], reasons),
        _section(p["h_process"], [process]),
        _section(p["h_redress"], ["- " + line for line in redress]),
        p["closing"] + "\n" + p["signature"],
    ]
    return Notice(locale=lang, subject=subject, body="\n\n".join(sections) + "\n")


def _section(heading: str, lines: list[str]) -> str:
    return "\n".join([heading, *lines])


def _decision(statement: Statement, p: dict[str, str], day: Callable[[datetime], str]) -> list[str]:
    where = _where(statement.territorial_scope, p)

    def span(end: datetime | None, open_ended: bool = True) -> str:
        if end is None and not open_ended:
            return p["span_where"].format(where=where)
        when = p["when_until"].format(date=day(end)) if end else p["when_open"]
        return p["span"].format(where=where, when=when)

    lines = []
    if statement.visibility is not Visibility.NONE:
        lines.append(f"{p['vis_' + statement.visibility.value]} {span(statement.visibility_end)}")
    if statement.account is not None:
        # A closed account has no "until": only an explicit end date is worth saying.
        open_ended = statement.account is AccountAction.SUSPENDED
        lines.append(
            f"{p['acct_' + statement.account.value]} {span(statement.account_end, open_ended)}"
        )
    if not lines:
        lines.append(p["vis_none"])
    return lines


def _where(scope: tuple[str, ...], p: dict[str, str]) -> str:
    countries = list(dict.fromkeys(c.strip().upper() for c in scope if c.strip()))
    if not countries or "WORLDWIDE" in countries:
        return p["where_world"]
    return p["where_countries"].format(countries=p["list_sep"].join(countries))


def _ground(statement: Statement, p: dict[str, str], terms_title: str | None) -> str:
    if statement.ground is Ground.ILLEGAL:
        if statement.legal_ground and statement.legal_ground.strip():
            return p["ground_illegal"].format(law=statement.legal_ground.strip().rstrip("."))
        return p["ground_illegal_general"]
    if statement.clause:
        clause = (
            p["clause_titled"].format(clause=statement.clause, title=terms_title)
            if terms_title
            else statement.clause
        )
        parts = [p["ground_terms"].format(clause=clause)]
    else:
        parts = [p["ground_terms_general"]]
    if statement.also_illegal:
        parts.append(p["also_illegal"])
    if statement.terms_url:
        parts.append(p["terms_url"].format(url=statement.terms_url))
    return " ".join(parts)


def _category(name: str, lang: str) -> str:
    return CATEGORY_NAMES[lang].get(name, name)
