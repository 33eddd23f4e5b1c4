"""Red flags in the patient's own language, with typos; ordinary requests in it never trigger.

The sentences were written with the draft catalogs' translators; each language's
phrase list needs clinical and language review (docs/safety/hazard-log.md, H1).
"""

from __future__ import annotations

import functools

import pytest

from dfhelper import resources
from dfhelper.i18n.catalogs import CatalogTranslator
from dfhelper.safety.redflags import RedFlags

FOUND: dict[str, list[tuple[str, str]]] = {
    "pl": [
        ("chest_pain", "mam silny ból w klatce piersiowej"),
        ("chest_pain", "od rana boli mnie klatak piersiowa"),  # a typo
        ("breathing", "ciężko mi oddyhać"),
        ("stroke", "tata nagle bełkoce"),
        ("bleeding", "silne krwawinie z rany"),
        ("allergy", "po orzechach mam spuchnięty język"),
        ("child_unwell", "niemowle nie reaguej"),
        ("collapse", "żona straciła przytomnośc"),
        ("self_harm", "chcę się zabić"),
        ("self_harm", "mam myśli samobujcze"),
    ],
    "ur": [
        ("chest_pain", "میرے سینے میں بہت درد ہے"),
        ("chest_pain", "meri chhati mein dard ho raha hai"),  # typed in Latin letters
        ("chest_pain", "لگتا ہے دل کا دورا پڑا ہے"),  # a typo
        ("breathing", "مجھے سانس نہیں آ رہی"),
        ("stroke", "ابو کا چہرہ ٹیڑا ہو گیا ہے"),
        ("bleeding", "خون رک نہیں رہا"),
        ("allergy", "میرے ہونٹ سوج گئے ہیں"),
        ("child_unwell", "میرا بچہ بہت بیمار ہے"),
        ("collapse", "abbu behoosh ho gaye"),
        ("self_harm", "میں خودکشی کرنا چاہتا ہوں"),
    ],
    "ar": [
        ("chest_pain", "عندي ألم شديد في الصدر ويمتد إلى ذراعي"),
        ("chest_pain", "أعتقد أنها نوبه قلبيه"),  # a typo
        ("breathing", "زوجي لا يستطيع التنفس"),
        ("stroke", "أظن أن أمي عندها جلطه دماغيه"),
        ("bleeding", "عندي نزيف شديد من الجرح"),
        ("allergy", "تورم اللسان بعد الدواء"),
        ("child_unwell", "الرضيع مرتخي ولا يستجيب"),
        ("collapse", "جدي فقد الوعى في البيت"),
        ("self_harm", "عندي أفكار انتحارية"),
        ("self_harm", "أخذت حبوب كثيره قبل ساعة"),
    ],
    "pa_Arab": [
        ("chest_pain", "میری چھاتی وچ بڑی پیڑ ہو رہی اے"),
        ("breathing", "مینوں ساہ نئیں آ رہا"),
        ("bleeding", "لہو نئیں رک رہا"),
        ("self_harm", "میں خودکشی کرنا چاہندا ہاں"),
    ],
    "es": [
        ("chest_pain", "me duele mucho el pexho"),
        ("breathing", "No puedo respirar bien"),
        ("stroke", "mi madre no puede levantr el brazo"),
        ("bleeding", "tengo un sangrado abundnte"),
        ("self_harm", "pienso en el suicido"),
    ],
    "ro": [
        ("chest_pain", "am durere în pipt"),
        ("breathing", "nu pot respria"),
        ("self_harm", "am luat prea multe pastle"),
    ],
    "uk": [
        ("chest_pain", "болит у грудях і віддає в руку"),
        ("stroke", "мабуть інсульд"),
        ("self_harm", "думаю про самогубсто"),
    ],
    "it": [
        ("chest_pain", "dolore al peto da un'ora"),
        ("stroke", "credo sia un ictis"),
        ("self_harm", "penso al suicido"),
    ],
    "bn": [
        ("chest_pain", "আমার বুকে খুব ব্যথা করছে"),
        ("chest_pain", "আমার বুকে ব্যাথা করছে"),  # a common misspelling
        ("chest_pain", "amar buke batha korche"),  # typed in Latin letters
        ("breathing", "শ্বাস নিতে পারচি না"),
        ("stroke", "মায়ের মুখ বেকে গেছে"),
        ("bleeding", "রক্ত থামচে না"),
        ("allergy", "ঠোট ফুলে গেছে"),
        ("child_unwell", "বাচ্চা খুব অসুস্ত"),
        ("collapse", "দাদু অজ্ঞান হয়ে গেছে"),
        ("self_harm", "আত্মহত্তা করার কথা ভাবছি"),
    ],
    "gu": [
        ("chest_pain", "છાતીમા દુખાવો"),
        ("breathing", "શ્વાસ લેવામા તકલીફ છે"),
        ("bleeding", "લોહી અટકતુ નથી"),
        ("collapse", "બેભાણ થઈ ગયા"),
        ("self_harm", "મારે મરી જવુ છે"),
    ],
    "pa": [
        ("chest_pain", "ਛਾਤਿ ਵਿੱਚ ਦਰਦ"),
        ("breathing", "ਸਾਹ ਨਹੀ ਆਉਂਦਾ"),
        ("stroke", "ਮੂੰਹ ਵਿਂਗਾ ਹੋ ਗਿਆ"),
        ("allergy", "ਜੀਭ ਸੁਜ ਗਈ"),
        ("self_harm", "ਮੈਂ ਮਰਨਾ ਚਾਹੁਦੀ ਹਾਂ"),
    ],
    "pt": [
        ("chest_pain", "dor no petio"),
        ("breathing", "nao consigo respiar"),
        ("bleeding", "está a sangar muito"),
        ("allergy", "a lingua está inchada"),
        ("self_harm", "quero morer"),
    ],
    "en@easyread": [
        ("chest_pain", "my hart is hurtin"),
        ("breathing", "it hurts to breathe"),
        ("stroke", "my dads face gone funny"),
        ("collapse", "my nan passed out"),
        ("self_harm", "i wanna die"),
    ],
}

ORDINARY: dict[str, list[str]] = {
    "pl": [
        "potrzebuję powtórnej recepty",
        "tabletki na ciśnienie krwi",
        "moje dziecko potrzebuje wizyty u lekarza",
        "antybiotyki na infekcję klatki piersiowej",
        "wyniki badania krwi",
        "miałem zawał w zeszłym roku i potrzebuję recepty",
        "czy są bezpłatne szczepienia dla dziecka",
    ],
    "ur": [
        "مجھے اپنی دہرائی جانے والی دوائی منگوانی ہے",
        "بلڈ پریشر کی گولیاں چاہییں",
        "سینے کے انفیکشن کے لیے اینٹی بائیوٹک",
        "خون کے ٹیسٹ کا نتیجہ",
        "میں ڈاکٹر سے ملنا چاہتا ہوں",
        "mujhe dawai chahiye",
    ],
    "ar": [
        "أريد أن أطلب وصفتي الطبية المتكررة",
        "أحتاج حبوب ضغط الدم",
        "عندي التهاب في الصدر وأحتاج مضاد حيوي",
        "أريد نتائج تحليل الدم",
        "أنا في الانتظار منذ ساعة",
        "تم اختراق حسابي في التطبيق",
    ],
    "pa_Arab": [
        "مینوں اپنی ریپیٹ دوائی منگوانی اے",
        "میں ڈاکٹر نوں ملنا چاہندا ہاں",
        "mainu dawai chahidi ae",
    ],
    "es": [
        "Necesito mi receta de repetición",
        "pastillas para la presión arterial",
        "resultados del análisis de sangre",
        "Mi padre tuvo un ictus el año pasado y necesita su receta",
        "Necesito un informe para el subsidio",
    ],
    "ro": ["am nevoie de rețeta repetată", "analize de sânge", "am încercat să vorbesc cu doctorul"],
    "uk": ["мені потрібен повторний рецепт", "аналіз крові", "огляд після інфаркту"],
    "it": ["mi serve la ricetta ripetuta", "esami del sangue", "ho parecchie domande"],
    "bn": [
        "আমার রিপিট প্রেসক্রিপশন দরকার",
        "রক্তচাপের ওষুধ লাগবে",
        "আমার বাচ্চার জন্য অ্যাপয়েন্টমেন্ট দরকার",
        "ব্যথার ওষুধ চাই",
        "বুকে কফ জমেছে, অ্যান্টিবায়োটিক লাগবে",
        "রক্ত পরীক্ষার ফলাফল জানতে চাই",
        "শ্বাসকষ্টের ইনহেলার রিপিট করতে চাই",
        "amar repeat prescription lagbe",
    ],
    "gu": ["મારે રિપીટ પ્રિસ્ક્રિપ્શન જોઈએ છે", "બ્લડ પ્રેશરની ગોળીઓ જોઈએ છે", "મારે ડોક્ટરને મળવું છે"],
    "pa": ["ਮੈਨੂੰ ਰੀਪੀਟ ਨੁਸਖ਼ਾ ਚਾਹੀਦਾ ਹੈ", "ਦਰਦ ਦੀ ਦਵਾਈ ਚਾਹੀਦੀ ਹੈ", "ਖ਼ੂਨ ਦੀ ਜਾਂਚ ਦਾ ਨਤੀਜਾ", "mainu dawai chahidi hai"],
    "pt": [
        "Preciso da minha receita renovável",
        "comprimidos para a tensão arterial",
        "resultados das análises ao sangue",
        "Este ecrã é demasiado pequeno",
    ],
    "en@easyread": [
        "I need my repeat prescription",
        "I want to stop my blood pressure tablets",
        "I cant swallow my tablets",
        "I have a sore throat and swollen glands",
    ],
}


@functools.cache
def flags(lang: str) -> RedFlags:
    return RedFlags(CatalogTranslator(lang, resources.locales_dir()))


@pytest.mark.parametrize(
    ("lang", "kind", "text"), [(lang, kind, text) for lang, cases in FOUND.items() for kind, text in cases]
)
def test_red_flags_are_found_in_the_patients_language_with_typos(lang: str, kind: str, text: str) -> None:
    hit = flags(lang).check(text)
    assert hit is not None, (lang, text)
    assert hit.kind == kind


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in ORDINARY.items() for text in texts]
)
def test_ordinary_requests_in_the_patients_language_raise_no_red_flag(lang: str, text: str) -> None:
    assert flags(lang).check(text) is None, (lang, text, flags(lang).check(text))
