"""Which status a form box gets: every rule that turns a box's measures into ok, review or missing.
Also whether the identity document is the account holder's (``id_name_rule``).

The other modules measure (:mod:`formgen.check.ink`, :mod:`formgen.check.text_lines`,
:mod:`formgen.check.placement`, :mod:`formgen.check.signature`, :mod:`formgen.check.struck`);
this one decides. Each threshold is one line: its value, the measure it is compared with, and
where it was chosen (a tuning note under ``benchmarks/`` holds the data). Each rule has an id
and a Dutch line for support; a box's decision names the rules that set its status, in order
(the last one decided), and ``formgen check --explain`` shows them with the measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from formgen.check.identity.given_names import GivenNames
from formgen.check.ink import INK_CONTRAST
from formgen.check.text_lines import CLOSER_SCALE, READ_SCALE
from formgen.check.verdict import Status

if TYPE_CHECKING:
    from formgen.check.ink import Ink
    from formgen.check.signature import Beside
    from formgen.check.struck import Strike
    from formgen.check.text_lines import TextSeen


@dataclass(frozen=True)
class Threshold:
    value: float
    measure: str  # the measure it is compared with (see MEASURES)
    source: str  # where it was chosen: a tuning note under benchmarks/ or a commit


INK = "benchmarks/tuning-ink.md"
LINES = "benchmarks/tuning-text-lines.md"
PLACE = "benchmarks/tuning-placement.md"
STRUCK = "benchmarks/tuning-struck.md#struck-out-is-empty-session-13"
SCRIBBLED = "benchmarks/tuning-struck.md#scribbles-and-short-values-session-14"
DOUBTED = "benchmarks/tuning-struck.md#a-strike-the-noise-hides-session-18"

# name: value, measure, source
THRESHOLDS: dict[str, Threshold] = {
    "FIELD_MIN_FRACTION": Threshold(0.004, "beyond_noise", f"{INK}#ink-rules"),
    "FIELD_MIN_PIXELS": Threshold(45, "writing_pixels", f"{INK}#ink-rules"),
    "SIGNATURE_MIN_FRACTION": Threshold(0.006, "beyond_noise", f"{INK}#ink-rules"),
    "SIGNATURE_MIN_SPAN": Threshold(0.15, "span", f"{INK}#ink-rules"),
    "SIGNATURE_MIN_CONTRAST": Threshold(80, "contrast", f"{INK}#pen-darkness"),
    "PEN_VS_PRINT": Threshold(0.55, "contrast / print_contrast", f"{INK}#pen-darkness"),
    "FAINT_FACTOR": Threshold(0.35, "fraction (of the minimum)", f"{INK}#ink-rules"),
    "WRITING_MIN_SHARE": Threshold(0.25, "beyond_noise / fraction", f"{INK}#writing-min-share"),
    "WRITING_MIN_WIDTH": Threshold(12, "widest", f"{INK}#writing-min-width"),
    "CHANGE_MIN_CONTRAST": Threshold(55, "contrast", f"{INK}#change-min-contrast"),
    "LIGHT_ANSWER_CONTRAST": Threshold(80, "contrast", f"{INK}#light-answers"),
    "STROKE_MIN_COVER": Threshold(0.9, "border_cover", f"{INK}#pen-strokes"),
    "STROKE_MIN_PIXELS": Threshold(10, "stroke_writing_pixels", f"{INK}#pen-strokes"),
    "PIECE_MIN_PIXELS": Threshold(150, "piece_writing_pixels",
                                  "benchmarks/tuning-copier.md#pen-lines-under-specks"),
    "NOISY_SHARE": Threshold(0.2, "noise / fraction", f"{INK}#noisy-share"),
    "VALUE_MIN_CHARACTERS": Threshold(2, "letters", f"{LINES}#value-min-characters"),
    "ANSWER_MIN_CHARACTERS": Threshold(5, "letters", f"{LINES}#answer-min-characters"),
    "ACROSS_MIN_REACH": Threshold(-20, "line_reach", f"{INK}#letters-read-in-a-band-session-19"),
    "FOUND_SCORE": Threshold(0.25, "border_score", f"{PLACE}#found"),
    "FOUND_COVER": Threshold(0.05, "border_cover", f"{PLACE}#found"),
    "WHOLE_COVER": Threshold(0.5, "border_cover", f"{PLACE}#follow"),
    "MACHINE_TEXT_CONFIDENCE": Threshold(0.75, "machine_lines", "benchmarks/tuning-signature.md"),
    "MACHINE_TEXT_MIN_CHARACTERS": Threshold(4, "machine_lines",
                                             "benchmarks/tuning-signature.md"),
    "MACHINE_TEXT_MIN_DISTINCT": Threshold(4, "machine_lines", "benchmarks/tuning-signature.md"),
    "PEN_MIN_INK": Threshold(500, "beside_pixels",
                             "benchmarks/tuning-signature.md#a-stamp-with-a-pen-signature-across-it-session-12"),
    "SPECK_MAX_SIZE": Threshold(10, "faint_largest", f"{INK}#specks-and-streaks-session-13"),
    "FAINT_LETTER_MIN_PIXELS": Threshold(10, "faint_beyond_pixels",
                                         f"{INK}#faint-marks-as-many-as-a-letters-session-21"),
    "NOISE_MAX_PIECE": Threshold(41, "largest", f"{INK}#specks-and-streaks-session-13"),
    "STRIKE_SURE_REACH": Threshold(4.5, "strike_reach", STRUCK),
    "STRIKE_SURE_COVER": Threshold(0.9, "strike_cover", STRUCK),
    "STRIKE_MAX_THICKNESS": Threshold(0.34, "strike_thickness", STRUCK),
    "STRIKE_SHORT_REACH": Threshold(2.0, "strike_reach", SCRIBBLED),
    "STRIKE_SHORT_MAX_THICKNESS": Threshold(0.25, "strike_thickness", SCRIBBLED),
    "SCRIBBLE_SURE_COVER": Threshold(0.8, "strike_cover", SCRIBBLED),
    "SCRIBBLE_MAX_THICKNESS": Threshold(0.45, "strike_thickness", SCRIBBLED),
    "STRIKE_MAX_ABOVE": Threshold(0.85, "strike_above", SCRIBBLED),
    "STRIKE_MIN_ON_INK": Threshold(0.9, "strike_on_ink", SCRIBBLED),
    "STRIKE_DOUBT_COVER": Threshold(0.6, "strike_doubt", DOUBTED),
    "PEN_CURVE_MIN": Threshold(35, "pen_curve", f"{INK}#stipple-denser-in-the-box-session-16"),
    "STIPPLE_MAX_FRACTION": Threshold(0.05, "fraction",
                                      f"{INK}#stipple-denser-in-the-box-session-16"),
    "PAPER_SHADE_MAX": Threshold(25, "paper_shade",
                                 f"{INK}#empty-change-boxes-with-stroke-like-noise-session-16"),
    "PEN_MIN_LINES": Threshold(2.5, "beside_longest / text_line_height",
                               "benchmarks/tuning-signature.md#a-stamp-with-a-pen-signature-across-it-session-12"),
}


def _t(name: str) -> float:
    return THRESHOLDS[name].value


FIELD_MIN_FRACTION = _t("FIELD_MIN_FRACTION")
FIELD_MIN_PIXELS = _t("FIELD_MIN_PIXELS")
SIGNATURE_MIN_FRACTION = _t("SIGNATURE_MIN_FRACTION")
SIGNATURE_MIN_SPAN = _t("SIGNATURE_MIN_SPAN")
SIGNATURE_MIN_CONTRAST = _t("SIGNATURE_MIN_CONTRAST")
PEN_VS_PRINT = _t("PEN_VS_PRINT")
FAINT_FACTOR = _t("FAINT_FACTOR")
WRITING_MIN_SHARE = _t("WRITING_MIN_SHARE")
WRITING_MIN_WIDTH = _t("WRITING_MIN_WIDTH")
CHANGE_MIN_CONTRAST = _t("CHANGE_MIN_CONTRAST")
LIGHT_ANSWER_CONTRAST = _t("LIGHT_ANSWER_CONTRAST")
STROKE_MIN_COVER = _t("STROKE_MIN_COVER")
STROKE_MIN_PIXELS = _t("STROKE_MIN_PIXELS")
NOISY_SHARE = _t("NOISY_SHARE")
PIECE_MIN_PIXELS = _t("PIECE_MIN_PIXELS")
VALUE_MIN_CHARACTERS = int(_t("VALUE_MIN_CHARACTERS"))
ANSWER_MIN_CHARACTERS = int(_t("ANSWER_MIN_CHARACTERS"))
ACROSS_MIN_REACH = _t("ACROSS_MIN_REACH")
FOUND_SCORE = _t("FOUND_SCORE")
FOUND_COVER = _t("FOUND_COVER")
WHOLE_COVER = _t("WHOLE_COVER")
MACHINE_TEXT_CONFIDENCE = _t("MACHINE_TEXT_CONFIDENCE")
MACHINE_TEXT_MIN_CHARACTERS = int(_t("MACHINE_TEXT_MIN_CHARACTERS"))
MACHINE_TEXT_MIN_DISTINCT = int(_t("MACHINE_TEXT_MIN_DISTINCT"))
PEN_MIN_INK = _t("PEN_MIN_INK")
PEN_MIN_LINES = _t("PEN_MIN_LINES")
SPECK_MAX_SIZE = _t("SPECK_MAX_SIZE")
FAINT_LETTER_MIN_PIXELS = _t("FAINT_LETTER_MIN_PIXELS")
NOISE_MAX_PIECE = _t("NOISE_MAX_PIECE")
STRIKE_SURE_REACH = _t("STRIKE_SURE_REACH")
STRIKE_SURE_COVER = _t("STRIKE_SURE_COVER")
STRIKE_MAX_THICKNESS = _t("STRIKE_MAX_THICKNESS")
STRIKE_SHORT_REACH = _t("STRIKE_SHORT_REACH")
STRIKE_SHORT_MAX_THICKNESS = _t("STRIKE_SHORT_MAX_THICKNESS")
SCRIBBLE_SURE_COVER = _t("SCRIBBLE_SURE_COVER")
SCRIBBLE_MAX_THICKNESS = _t("SCRIBBLE_MAX_THICKNESS")
STRIKE_MAX_ABOVE = _t("STRIKE_MAX_ABOVE")
STRIKE_MIN_ON_INK = _t("STRIKE_MIN_ON_INK")
STRIKE_DOUBT_COVER = _t("STRIKE_DOUBT_COVER")
PEN_CURVE_MIN = _t("PEN_CURVE_MIN")
STIPPLE_MAX_FRACTION = _t("STIPPLE_MAX_FRACTION")
PAPER_SHADE_MAX = _t("PAPER_SHADE_MAX")


@dataclass(frozen=True)
class Rule:
    status: Status | None  # what the rule sets (None: it keeps the status it was given)
    thresholds: tuple[str, ...]
    text: str  # Dutch, for support: when the rule applies


# id: status, thresholds, when it applies (for support)
RULES: dict[str, Rule] = {
    "ink-written": Rule(Status.OK, ("FIELD_MIN_FRACTION", "SIGNATURE_MIN_FRACTION",
                                    "WRITING_MIN_SHARE", "FIELD_MIN_PIXELS", "WRITING_MIN_WIDTH",
                                    "SIGNATURE_MIN_SPAN", "SIGNATURE_MIN_CONTRAST",
                                    "PEN_VS_PRINT", "CHANGE_MIN_CONTRAST"),
                        "duidelijk meer inkt dan de ruis van het papier rond het vak"),
    "ink-little": Rule(Status.REVIEW, ("FAINT_FACTOR",),
                       "weinig of lichte inkt, of vooral ruis: een mens kijkt"),
    "ink-none": Rule(Status.MISSING, ("FAINT_FACTOR",), "geen inkt in het vak"),
    "faint-letter": Rule(Status.REVIEW, ("SPECK_MAX_SIZE", "FAINT_LETTER_MIN_PIXELS"),
                         "bijna geen inkt, maar een licht stuk zo groot als een letter (potlood "
                         "of een bijna lege pen) dat de ruis van het papier niet verklaart: een "
                         "mens kijkt"),
    "change-unread": Rule(Status.REVIEW, ("VALUE_MIN_CHARACTERS",),
                          "nieuwe waarde: de tekstherkenning leest er geen letters of cijfers"),
    "change-shaped": Rule(Status.OK, ("FIELD_MIN_FRACTION", "WRITING_MIN_WIDTH"),
                          "nieuwe waarde: de herkende tekst heeft de vorm van een hele waarde"),
    "change-strokes-written": Rule(Status.OK, ("STROKE_MIN_COVER", "VALUE_MIN_CHARACTERS"),
                                   "nieuwe waarde: alleen de inkt langs pennenstreken geteld is "
                                   "het vak ingevuld, en de tekstherkenning leest er letters of "
                                   "cijfers"),
    "unread-without-strokes": Rule(Status.MISSING, ("NOISY_SHARE", "STROKE_MIN_PIXELS",
                                                    "VALUE_MIN_CHARACTERS", "PAPER_SHADE_MAX"),
                                   "nieuwe waarde: veel van de inkt is ruis van het papier rond "
                                   "het vak, er staan geen pennenstreken voorbij die ruis, ook "
                                   "geen lange dunne lijn, en de tekstherkenning leest er geen "
                                   "letters of cijfers: het vak is leeg"),
    "unread-amid-noise": Rule(Status.MISSING, ("NOISY_SHARE", "STROKE_MIN_PIXELS",
                                               "NOISE_MAX_PIECE", "VALUE_MIN_CHARACTERS",
                                               "PAPER_SHADE_MAX"),
                              "veel van de inkt is ruis van het papier rond het vak (een band "
                              "van het kopieerapparaat), er staan geen pennenstreken en geen "
                              "lang stuk inkt in, ook geen lange dunne lijn, het papier in het "
                              "vak is niet donkerder dan eromheen en de tekstherkenning leest "
                              "er geen letters of cijfers: het vak is leeg"),
    "strokes-in-empty": Rule(Status.REVIEW, ("STROKE_MIN_PIXELS",),
                             "de inktregels vinden het vak leeg, maar er staan pennenstreken in"),
    "grain-unread": Rule(Status.REVIEW, ("NOISY_SHARE", "STROKE_MIN_PIXELS",
                                         "ANSWER_MIN_CHARACTERS", "ACROSS_MIN_REACH"),
                         "veel korrel en geen pennenstreken: alleen een gelezen antwoord telt, en "
                         "dat is er niet (een regel van rand tot rand van het vak is een band "
                         "ruis)"),
    "strokes-few-unseen": Rule(Status.REVIEW, ("FIELD_MIN_PIXELS", "ANSWER_MIN_CHARACTERS",
                                               "ACROSS_MIN_REACH"),
                               "genoeg inkt, maar weinig ervan ligt langs pennenstreken (een "
                               "band of vlekken van de kopie), en de tekstherkenning ziet geen "
                               "regel tekst en leest geen antwoord: een mens kijkt"),
    "band-stretch": Rule(Status.REVIEW, ("FIELD_MIN_FRACTION", "SIGNATURE_MIN_FRACTION",
                                         "FIELD_MIN_PIXELS", "PEN_CURVE_MIN",
                                         "ANSWER_MIN_CHARACTERS"),
                         "de inkt is schrift voorbij de ruis rond het vak, maar niet voorbij "
                         "het dichtste stuk van die ruis (een band van de kopie die komt en "
                         "gaat kan in het vak even dicht zijn), en er loopt geen gladde lijn "
                         "van een pen door het vak en er wordt geen antwoord gelezen: een mens "
                         "kijkt"),
    "light-seen": Rule(None, ("LIGHT_ANSWER_CONTRAST", "VALUE_MIN_CHARACTERS"),
                       "lichte inkt, maar de tekstherkenning ziet of leest tekst"),
    "light-unread": Rule(Status.REVIEW, ("LIGHT_ANSWER_CONTRAST", "VALUE_MIN_CHARACTERS",
                                         "ACROSS_MIN_REACH"),
                         "lichte inkt en de tekstherkenning ziet of leest geen tekst (een "
                         "regel van rand tot rand van het vak is een band ruis)"),
    "band-shaded": Rule(Status.REVIEW, ("PAPER_SHADE_MAX",),
                        "het vak ligt in een band van het kopieerapparaat die zo dicht is dat "
                        "hij als papier wordt gemeten: schrift erin is voor de inktmetingen "
                        "onzichtbaar, een mens kijkt"),
    "faint-noise": Rule(Status.MISSING, ("FAINT_FACTOR", "STROKE_MIN_PIXELS"),
                        "bijna geen inkt, de lichte vlekjes zijn die van het papier rond het vak "
                        "en er staan geen pennenstreken in: het vak is leeg"),
    "noise-only": Rule(Status.MISSING, ("FAINT_FACTOR", "WRITING_MIN_SHARE", "STROKE_MIN_PIXELS",
                                        "NOISE_MAX_PIECE"),
                       "bijna geen inkt voorbij de ruis van het papier rond het vak (een streep "
                       "of vlekken van de scanner) en geen pennenstreken: het vak is leeg"),
    "specks-only": Rule(Status.MISSING, ("SPECK_MAX_SIZE", "STROKE_MIN_PIXELS"),
                        "alleen losse vlekjes, kleiner dan een letter, ook in lichte inkt, en "
                        "geen pennenstreken: het vak is leeg"),
    "stipple-only": Rule(Status.MISSING, ("FAINT_FACTOR", "WRITING_MIN_SHARE", "STROKE_MIN_PIXELS"),
                         "de inkt in het vak voor de handtekening is bijna helemaal ruis die aan "
                         "beide kanten door het vak loopt (de stippels van een vuile "
                         "kopieertrommel), er staan geen pennenstreken in en geen lange dunne "
                         "lijn, ook geen lichte: het vak is leeg"),
    "stipple-dense": Rule(Status.MISSING, ("NOISY_SHARE", "STIPPLE_MAX_FRACTION",
                                           "NOISE_MAX_PIECE", "PEN_CURVE_MIN"),
                          "in het vak voor de handtekening staan stippels van een vuile "
                          "kopieertrommel, ook rond het vak, het grootste deel van het vak is "
                          "wit, er is geen lang stuk inkt en er loopt geen gladde lijn van een "
                          "pen doorheen: het vak is leeg"),
    "specks-written": Rule(Status.REVIEW, ("SPECK_MAX_SIZE", "STROKE_MIN_PIXELS"),
                           "genoeg inkt, maar alleen losse vlekjes kleiner dan een letter en "
                           "geen pennenstreken: een mens kijkt"),
    "noise-without-strokes": Rule(None, ("WRITING_MIN_SHARE", "STROKE_MIN_PIXELS"),
                                  "de inkt is vooral ruis en er staan geen pennenstreken in"),
    "seen-or-read": Rule(Status.OK, ("WRITING_MIN_WIDTH", "FIELD_MIN_FRACTION",
                                     "SIGNATURE_MIN_FRACTION", "SIGNATURE_MIN_SPAN",
                                     "ANSWER_MIN_CHARACTERS", "ACROSS_MIN_REACH"),
                         "de tekstherkenning ziet een regel tekst of leest een antwoord"),
    "strokes-written": Rule(Status.OK, ("STROKE_MIN_COVER",),
                            "alleen de inkt langs pennenstreken geteld is het vak ingevuld"),
    "strokes-under-band": Rule(Status.OK, ("STROKE_MIN_COVER", "PEN_CURVE_MIN",
                                           "SIGNATURE_MIN_FRACTION", "SIGNATURE_MIN_SPAN"),
                               "de rand van het vak staat er helemaal, maar een band van de "
                               "kopie ligt eroverheen; alleen de inkt langs pennenstreken "
                               "geteld is het vak ondertekend, en er loopt een gladde lijn van "
                               "een pen doorheen"),
    "pen-lines-under-specks": Rule(Status.OK, ("STROKE_MIN_COVER", "PEN_VS_PRINT",
                                               "PIECE_MIN_PIXELS", "WRITING_MIN_SHARE",
                                               "SIGNATURE_MIN_SPAN"),
                                   "de vlekjes van een kopieerapparaat zijn donkerder dan de "
                                   "pen, maar lange lichte pennenstreken alleen vullen het vak"),
    "typed": Rule(Status.OK, (), "digitaal ingevuld in de pdf"),
    "printed-by-us": Rule(Status.OK, (), "door ons voorgedrukt en ondertekend in de QR-code"),
    "machine-text": Rule(Status.REVIEW, ("MACHINE_TEXT_CONFIDENCE", "MACHINE_TEXT_MIN_CHARACTERS",
                                         "MACHINE_TEXT_MIN_DISTINCT"),
                         "getypte of gestempelde tekst in het vak voor de handtekening"),
    "pen-colour": Rule(Status.OK, ("FIELD_MIN_FRACTION", "SIGNATURE_MIN_FRACTION",
                                   "WRITING_MIN_SHARE", "FIELD_MIN_PIXELS", "WRITING_MIN_WIDTH",
                                   "SIGNATURE_MIN_SPAN", "SIGNATURE_MIN_CONTRAST"),
                       "alleen de inkt in de kleur van een pen geteld (blauw, rood, groen; "
                       "de druk en de ruis van een kopie zijn grijs) is het vak ingevuld"),
    "pen-on-light-copy": Rule(Status.OK, ("PEN_VS_PRINT", "SIGNATURE_MIN_FRACTION",
                                          "SIGNATURE_MIN_SPAN", "WRITING_MIN_WIDTH"),
                              "de hele kopie is licht (ook de druk): de inkt, gemeten vanaf "
                              "PEN_VS_PRINT van de donkerte van de druk, is een handtekening"),
    "pen-across-stamp": Rule(Status.OK, ("PEN_MIN_INK", "PEN_MIN_LINES"),
                             "gestempelde tekst met een handtekening erover: lange pennenstreken "
                             "naast de tekst en de rand van de stempel"),
    "struck": Rule(Status.REVIEW, (), "de waarde is doorgehaald"),
    "struck-corrected": Rule(Status.REVIEW, (), "doorgehaald, met een andere waarde erbij"),
    "strike-in-doubt": Rule(Status.REVIEW, ("STRIKE_DOUBT_COVER",),
                            "er loopt een rechte lijn door het midden van het schrift, maar ook "
                            "de ruis van de kopie rond het vak kan die lijn zijn: is de waarde "
                            "doorgehaald? Een mens kijkt"),
    "struck-empty": Rule(Status.MISSING, ("STRIKE_SURE_REACH", "STRIKE_SURE_COVER",
                                          "STRIKE_MAX_THICKNESS", "STRIKE_MAX_ABOVE",
                                          "STRIKE_MIN_ON_INK"),
                         "de hele waarde is met een rechte lijn doorgehaald en er staat niets "
                         "anders: het vak is leeg"),
    "struck-short-empty": Rule(Status.MISSING, ("STRIKE_SHORT_REACH", "STRIKE_SURE_COVER",
                                                "STRIKE_SHORT_MAX_THICKNESS", "STRIKE_MAX_ABOVE",
                                                "STRIKE_MIN_ON_INK"),
                               "een korte waarde is helemaal met een dunne rechte lijn "
                               "doorgehaald en er staat niets anders: het vak is leeg"),
    "scribbled-empty": Rule(Status.MISSING, ("SCRIBBLE_SURE_COVER", "SCRIBBLE_MAX_THICKNESS"),
                            "de waarde is met een krabbel of zigzag dun doorgekrast, er staat "
                            "geen rechte lijn bij (een onderstreping) en niets anders: het vak "
                            "is leeg"),
    "digital-signature": Rule(Status.REVIEW, (), "handtekening in een digitaal formulier"),
    "digital-unsigned": Rule(Status.MISSING, (), "digitaal formulier zonder handtekening"),
    "group-corrected": Rule(Status.REVIEW, (), "een vak van de groep is doorgehaald en "
                            "opnieuw ingevuld"),
    "group-filled": Rule(Status.OK, (), "een of meer vakken van de groep zijn ingevuld"),
    "group-doubt": Rule(Status.REVIEW, (), "geen vak van de groep zeker ingevuld, een of meer "
                        "in twijfel"),
    "group-empty": Rule(Status.MISSING, (), "geen vak van de groep ingevuld"),
    "page-unread": Rule(Status.REVIEW, (), "de pagina van het vak is niet leesbaar"),
    "page-missing": Rule(Status.MISSING, (), "de pagina van het vak ontbreekt"),
    # id_name: is the identity document the account holder's? (see id_name_rule)
    "id-holder": Rule(Status.OK, (), "de naam komt overeen met het formulier"),
    "id-holder-surname": Rule(Status.OK, (), "de achternaam komt overeen met de aanvraag "
                              "(voornamen niet te vergelijken)"),
    "id-holder-mrz-image": Rule(Status.OK, (),
                                "de naam komt overeen met het formulier (de MRZ is naast de "
                                "naam slecht gelezen; het beeld van de regel toont de naam)"),
    "id-holder-face": Rule(Status.OK, (), "de naam komt overeen met het formulier (de voornaam "
                           "in de MRZ is niet zeker gelezen; de voorkant van het document toont "
                           "de naam)"),
    "id-given-unread": Rule(Status.REVIEW, (), "de voornaam in de MRZ is niet helemaal leesbaar "
                            "en kan langer zijn dan die op het formulier: is dit het "
                            "identiteitsbewijs van een familielid? Vergelijk de namen"),
    "id-surname-unread": Rule(Status.REVIEW, (), "achternaam op het identiteitsbewijs niet "
                              "leesbaar; controleer de naam zelf"),
    "id-relative": Rule(Status.REVIEW, (), "de achternaam komt overeen, de voornamen niet: is "
                        "dit het identiteitsbewijs van iemand anders, bijvoorbeeld een "
                        "familielid?"),
    "id-given-near": Rule(Status.REVIEW, (), "de voornamen op het identiteitsbewijs lijken op "
                          "die van het formulier, maar zijn niet gelijk: is dit het "
                          "identiteitsbewijs van een familielid, of is de naam verkeerd gelezen? "
                          "Vergelijk ze"),
    "id-given-unsure": Rule(Status.REVIEW, (), "de achternaam komt overeen, maar de voornamen op "
                            "het formulier zijn niet zeker te lezen of te vergelijken: het kan "
                            "het identiteitsbewijs van een familielid zijn; vergelijk de naam "
                            "zelf"),
    "id-other-surname": Rule(Status.REVIEW, (), "de achternaam op het identiteitsbewijs komt niet "
                             "overeen met de naam op het formulier"),
    "id-hand-unread": Rule(Status.REVIEW, (), "de naam is met de hand geschreven en niet zeker te "
                           "lezen; vergelijk hem met het identiteitsbewijs"),
    "id-no-name": Rule(Status.REVIEW, (), "geen naam van het formulier om mee te vergelijken; "
                       "vergelijk de naam op het identiteitsbewijs zelf"),
}

# The measures a decision can name, with a Dutch line for support.
MEASURES: dict[str, str] = {
    "fraction": "deel van het vak met inkt",
    "noise": "deel daarvan dat de ruis rond het vak verklaart",
    "beyond_noise": "deel van het vak met inkt voorbij de ruis (het schrift)",
    "pixels": "pixels met inkt in het vak",
    "writing_pixels": "pixels met inkt voorbij de ruis",
    "widest": "breedste stuk met inkt (pixels)",
    "largest": "langste zijde van het grootste stuk inkt (pixels)",
    "faint_largest": "hetzelfde voor de lichte inkt (pixels)",
    "span": "breedte van het schrift (deel van het vak)",
    "faint_fraction": "deel van het vak met lichte inkt (potlood)",
    "faint_beyond_noise": "deel van het vak met lichte inkt voorbij de ruis",
    "faint_beyond_pixels": "hetzelfde in pixels",
    "beyond_peak": "deel van het vak met inkt voorbij het dichtste stuk van de ruis rond het "
                   "vak (een band die komt en gaat)",
    "beyond_through": "deel van het vak met inkt voorbij de ruis die aan beide kanten van "
                      "het vak doorloopt (een band erdoorheen, niet ernaast)",
    "contrast": "donkerte van de inkt (grijswaarden)",
    "print_contrast": "donkerte van de druk van het formulier (grijswaarden)",
    "border_found": "rand van het vak gevonden",
    "border_score": "overeenkomst met de gedrukte rand (0-1)",
    "border_cover": "deel van de rand dat er staat",
    "border_shift": "verschuiving van de rand (pixels)",
    "border_bend": "knik in de rand, bijvoorbeeld door een vouw (pixels; het vak is "
                   "rechtgetrokken gemeten)",
    "stroke_pixels": "pixels met inkt langs pennenstreken in het vak",
    "stroke_fraction": "deel van het vak met inkt langs pennenstreken",
    "stroke_beyond_noise": "inkt langs pennenstreken voorbij de ruis",
    "stroke_writing_pixels": "pixels langs pennenstreken voorbij de ruis",
    "stroke_beyond_peak": "inkt langs pennenstreken voorbij het dichtste stuk van de ruis",
    "piece_pixels": "pixels op lange pennenstreken, ook lichte, in het vak",
    "piece_beyond_noise": "deel van het vak op lange pennenstreken voorbij de ruis",
    "piece_writing_pixels": "pixels op lange pennenstreken voorbij de ruis",
    "clear_piece_writing_pixels": "pixels op lange pennenstreken buiten dikke vlekken, "
                                  "voorbij de ruis",
    "piece_span": "breedte van de lange pennenstreken (deel van het vak)",
    "line_width": "breedste regel tekst die de tekstherkenning ziet (pixels, met en zonder druk)",
    "letters": "letters en cijfers die de tekstherkenning leest",
    "value_letters": "gelezen letters en cijfers die geen druk van het formulier zijn",
    "value_letters_unmoved": "hetzelfde, op de plek waar het vak eerst lag",
    "line_reach": "per gelezen regel: hoe ver hij links en rechts buiten het vak doorloopt, "
                  "het kleinste van de twee (pixels; onder 0: binnen het vak)",
    "line_reach_unmoved": "hetzelfde, op de plek waar het vak eerst lag",
    "paper_shade": "zoveel donkerder is het papier in het vak dan het papier eromheen "
                   "(grijswaarden): een dichte band ruis die voor papier wordt gehouden",
    "value_shape": "de gelezen tekst heeft de vorm van een waarde",
    "machine_lines": "regels die de tekstherkenning zeker leest (zekerheid)",
    "strike": "doorhaling gevonden",
    "strike_straight": "de doorhaling is een rechte lijn (geen krabbel)",
    "strike_reach": "lengte van de doorhaling, in hoogtes van het schrift",
    "strike_cover": "deel van de breedte van het schrift dat de doorhaling bedekt",
    "strike_thickness": "dikte van de inkt over de doorhaling, in hoogtes van het schrift",
    "strike_above": "deel van het doorgehaalde schrift boven de lijn",
    "strike_on_ink": "deel van de rechte lijn dat op inkt ligt (een bocht minder)",
    "strike_lined": "er staat een rechte lijn in het vak die geen doorhaling is",
    "strike_doubt": "deel van de breedte van het schrift dat een rechte lijn door het midden "
                    "bedekt die ook ruis van de kopie kan zijn (0: geen)",
    "colour_pixels": "pixels met inkt in de kleur van een pen in het vak",
    "colour_fraction": "deel van het vak met inkt in de kleur van een pen",
    "colour_beyond_noise": "inkt in de kleur van een pen voorbij de ruis in die kleur",
    "colour_writing_pixels": "pixels in de kleur van een pen voorbij de ruis",
    "light_level": "vanaf deze donkerte telt inkt op een lichte kopie (grijswaarden)",
    "light_fraction": "deel van het vak met inkt, geteld vanaf light_level",
    "light_beyond_noise": "hetzelfde, voorbij de ruis",
    "light_widest": "breedste stuk met die inkt (pixels)",
    "light_span": "breedte van die inkt (deel van het vak)",
    "light_writing_pixels": "pixels met die inkt voorbij de ruis",
    "pen_curve": "langste gladde lijn van een pen in het vak (pixels, schuin over het stuk)",
    "beside_pixels": "pixels met inkt naast de gelezen tekst en de rand van een stempel",
    "beside_longest": "langste stuk inkt daarvan (pixels)",
    "text_line_height": "hoogte van de gelezen regels tekst (pixels)",
}


class BoxMeasures(Protocol):
    """What a decision may ask about a box; measured when asked (OCR is slow)."""

    ink: Ink

    @property
    def signature(self) -> bool: ...  # the signature box
    @property
    def required(self) -> bool: ...
    @property
    def change(self) -> bool: ...  # a box of the change group: a new value
    @property
    def border_found(self) -> bool: ...
    @property
    def border_cover(self) -> float: ...
    @property
    def moved(self) -> bool: ...  # measured where its border was found, not where it was put

    def strokes(self) -> Ink: ...
    def pieces(self) -> Ink: ...
    def clear_pieces(self) -> Ink: ...
    def light_copy(self, share: float) -> Ink: ...
    def colour(self) -> Ink | None: ...  # pen-coloured pixels only; None on a grey copy
    def pen_curve(self) -> float: ...
    def text_seen(self, wipe_print: bool) -> TextSeen: ...
    def letters(self, scale: float) -> int: ...
    def value_letters(self, unmoved: bool = False) -> int: ...
    def line_reach(self, unmoved: bool = False) -> list[tuple[int, float]]: ...
    def paper_shade(self) -> float: ...
    def value_shape(self) -> bool: ...
    def machine_lines(self) -> list[tuple[str, float]]: ...
    def ink_beside(self, confidence: float) -> Beside: ...
    def strike(self) -> Strike | None: ...
    def strike_doubt(self) -> float: ...


@dataclass
class Decision:
    status: Status
    rules: list[str] = field(default_factory=list)  # the rules that set the status, in order
    unmet: list[str] = field(default_factory=list)  # ink-written's conditions not met

    @property
    def rule(self) -> str:
        """The rule that decided: the last that set the status."""
        return self.rules[-1] if self.rules else ""

    def apply(self, rule: str, status: Status | None = None) -> None:
        self.rules.append(rule)
        self.status = status if status is not None else RULES[rule].status or self.status


def writing_pixels(ink: Ink) -> float:
    """The ink pixels beyond the noise of the paper around the box."""
    return ink.pixels * ink.beyond_noise / ink.fraction if ink.fraction else 0.0


def dark_as_pen(ink: Ink) -> bool:
    """Dark enough for a pen: darker than SIGNATURE_MIN_CONTRAST, or, on a copy that came out
    light as a whole, not much lighter than its print (PEN_VS_PRINT)."""
    return ink.contrast >= SIGNATURE_MIN_CONTRAST or (
        ink.print_contrast > 0 and ink.contrast >= PEN_VS_PRINT * ink.print_contrast)


def unmet_conditions(ink: Ink, signature: bool = False, change: bool = False) -> list[str]:
    """The conditions of ink-written that the ink does not meet (none: written)."""
    minimum = SIGNATURE_MIN_FRACTION if signature else FIELD_MIN_FRACTION
    writing = ink.beyond_noise
    conditions = [
        ("beyond_noise >= " + ("SIGNATURE" if signature else "FIELD") + "_MIN_FRACTION",
         writing >= minimum),
        ("beyond_noise >= WRITING_MIN_SHARE * fraction", writing >= WRITING_MIN_SHARE
         * ink.fraction),
        ("writing_pixels >= FIELD_MIN_PIXELS", writing_pixels(ink) >= FIELD_MIN_PIXELS),
        ("widest >= WRITING_MIN_WIDTH", ink.widest >= WRITING_MIN_WIDTH),
    ]
    if signature:
        conditions += [("span >= SIGNATURE_MIN_SPAN", ink.span >= SIGNATURE_MIN_SPAN),
                       ("contrast dark as a pen (SIGNATURE_MIN_CONTRAST, PEN_VS_PRINT)",
                        dark_as_pen(ink))]
    if change:
        conditions.append(("contrast >= CHANGE_MIN_CONTRAST",
                           ink.contrast >= CHANGE_MIN_CONTRAST))
    return [name for name, met in conditions if not met]


def written(ink: Ink, signature: bool = False, change: bool = False) -> Status:
    """OK when clearly written beyond the noise of the paper around the box; REVIEW when there
    is little or only faint writing, or when the ink in the box is mostly that noise (a box
    that is mostly noise is never "ok"); else MISSING. change: a new value, whose pen is
    darker than toner clumps (CHANGE_MIN_CONTRAST)."""
    return _ink_rule(ink, signature, change)[0]


def _ink_rule(ink: Ink, signature: bool, change: bool) -> tuple[Status, str, list[str]]:
    unmet = unmet_conditions(ink, signature, change)
    if not unmet:
        return Status.OK, "ink-written", unmet
    minimum = SIGNATURE_MIN_FRACTION if signature else FIELD_MIN_FRACTION
    if ink.fraction >= minimum * FAINT_FACTOR or ink.faint_fraction >= minimum:
        return Status.REVIEW, "ink-little", unmet
    return Status.MISSING, "ink-none", unmet


def amid_grain(ink: Ink, strokes: Ink) -> bool:
    """Much noise around the box (NOISY_SHARE of its ink or more, and some: a box with no ink
    at the pen level, a light pencil on a clean copy, is amid no grain) and no pen strokes
    beyond it (STROKE_MIN_PIXELS): a patch of grain to the ink rules, a line of text to the
    detector."""
    return ink.noise > 0 and ink.noise >= NOISY_SHARE * ink.fraction and \
        writing_pixels(strokes) < STROKE_MIN_PIXELS


def faint_noise_only(ink: Ink, strokes: Ink, signature: bool) -> bool:
    """Empty is empty: a box left to a person for its faint marks alone (next to no ink,
    FAINT_FACTOR) whose faint marks the faint marks of the paper around explain (a photo's
    shading, JPEG ringing, grain) and that holds fewer than STROKE_MIN_PIXELS pixels of pen
    strokes at all (benchmarks/tuning-ink.md#empty-is-empty). Writing washed out by a bad copy
    keeps its strokes."""
    minimum = SIGNATURE_MIN_FRACTION if signature else FIELD_MIN_FRACTION
    return ink.fraction < minimum * FAINT_FACTOR and ink.faint_beyond_noise < minimum and \
        strokes.pixels < STROKE_MIN_PIXELS


def noise_only(ink: Ink, strokes: Ink, signature: bool) -> bool:
    """Empty is empty: the box's ink is nearly all the noise of the paper around it (a
    scanner's streak or a copier's band runs on outside the box): next to nothing beyond it
    (FAINT_FACTOR of the minimum, and less than WRITING_MIN_SHARE of the ink), faint marks
    explained too, fewer than STROKE_MIN_PIXELS pixels of pen strokes at all, and no piece
    of ink NOISE_MAX_PIECE px long (a pencil signature amid toner bands is one long piece)
    (benchmarks/tuning-ink.md#specks-and-streaks-session-13)."""
    minimum = SIGNATURE_MIN_FRACTION if signature else FIELD_MIN_FRACTION
    return ink.largest < NOISE_MAX_PIECE and ink.beyond_noise < minimum * FAINT_FACTOR and \
        ink.beyond_noise < WRITING_MIN_SHARE * ink.fraction and \
        ink.faint_beyond_noise < minimum and strokes.pixels < STROKE_MIN_PIXELS


def specks_only(ink: Ink, strokes: Ink) -> bool:
    """Empty is empty: every piece of ink, faint marks included, is smaller than a letter
    (SPECK_MAX_SIZE px each way: toner specks, dust), with fewer than STROKE_MIN_PIXELS pixels
    of pen strokes. A "1" or a dash, even in a light pen, is one longer piece; a stroke washed
    out into dots holds together in its faint marks."""
    return 0 < ink.faint_largest < SPECK_MAX_SIZE and strokes.pixels < STROKE_MIN_PIXELS


def stipple_only(m: BoxMeasures) -> bool:
    """Empty is empty under a dirty drum's stipple: the box's ink is nearly all noise that
    runs through the box, seen on both sides of it (``Ink.beyond_through``; as
    :func:`noise_only`: FAINT_FACTOR of the minimum beyond it, less than WRITING_MIN_SHARE of
    the ink; faint marks explained), with fewer than STROKE_MIN_PIXELS pen-stroke pixels
    beyond the noise and fewer than STROKE_MIN_PIXELS on long thin pen lines however light
    (:func:`thin_pen_lines`). Stipple clumps have edges dark along one direction and join
    into long thick pieces, so noise_only's bounds on all pen-stroke pixels and on the
    longest piece cannot tell them from a pen; a band beside the box, on one side only,
    explains a short signature away in beyond_noise but not in beyond_through
    (benchmarks/tuning-ink.md#unsigned-under-a-dirty-drum-session-15)."""
    ink = m.ink
    minimum = SIGNATURE_MIN_FRACTION if m.signature else FIELD_MIN_FRACTION
    return ink.beyond_through < minimum * FAINT_FACTOR and \
        ink.beyond_through < WRITING_MIN_SHARE * ink.fraction and \
        ink.faint_beyond_noise < minimum and writing_pixels(m.strokes()) < STROKE_MIN_PIXELS \
        and not thin_pen_lines(m)


def pen_curve_seen(m: BoxMeasures) -> bool:
    """A smooth pen line PEN_CURVE_MIN px long or more runs through the signature box
    (:func:`formgen.check.signature.longest_pen_curve`): never an empty box, however much of
    its ink the noise around explains (a pencil that a drum's stipple outweighs)."""
    return m.signature and m.pen_curve() >= PEN_CURVE_MIN


def stipple_dense(m: BoxMeasures) -> bool:
    """Empty is empty where a dirty drum's stipple is denser in the signature box than around
    it: the box's ink is partly the noise of the paper around (NOISY_SHARE of it or more, and
    some: the stipple is there too; a box with no ink at the pen level is no stipple), covers
    little of the box (STIPPLE_MAX_FRACTION: where stipple covers more, a pen line breaks up
    in it), holds no piece of ink NOISE_MAX_PIECE px long
    (a lone pen stroke that specks beside it cut into short smooth pieces is one piece of
    ink) and no smooth pen line PEN_CURVE_MIN px long runs through it. The ink beyond the
    noise cannot tell such a box from a short signature in a band; the shape of the ink can:
    a pen leaves long smooth lines, stipple a mesh of short crooked pieces
    (benchmarks/tuning-ink.md#stipple-denser-in-the-box-session-16)."""
    ink = m.ink
    return m.signature and ink.noise > 0 and ink.noise >= NOISY_SHARE * ink.fraction and \
        ink.fraction <= STIPPLE_MAX_FRACTION and ink.largest < NOISE_MAX_PIECE and \
        m.pen_curve() < PEN_CURVE_MIN


def signed_under_band(m: BoxMeasures, strokes: Ink) -> bool:
    """A signature whose printed border is all there (STROKE_MIN_COVER) but not matched
    (FOUND_SCORE): a copier's band over the box darkens the search window and drowns the
    match, not a page a few pixels off. The box is measured where the page's marks put it;
    as rule strokes-written asks where the border was found, the ink along pen strokes alone
    is a signature by the ink rules; and a smooth pen line PEN_CURVE_MIN px long runs through
    it (drum stipple's edges are strokes too, but short and crooked)
    (benchmarks/tuning-ink.md#a-signature-under-a-band-session-19)."""
    return m.signature and not m.border_found and m.border_cover >= STROKE_MIN_COVER and \
        pen_curve_seen(m) and written(strokes, signature=True) is Status.OK


def thin_pen_lines(m: BoxMeasures) -> bool:
    """STROKE_MIN_PIXELS pixels or more in the box on long thin pen lines, however light
    (:func:`formgen.check.ink.long_pieces`): a pencil or a nearly empty pen, which the ink
    of a copy's bands or stipple may outweigh, and which is never an empty box."""
    return m.pieces().pixels >= STROKE_MIN_PIXELS


def faint_letter(ink: Ink) -> bool:
    """A box the ink rules find empty that holds a faint piece as long as a letter
    (SPECK_MAX_SIZE px or more: a "1", an "x" or "ja" in pencil or a nearly empty pen) where
    the faint marks of the paper around leave FAINT_LETTER_MIN_PIXELS of its faint marks
    unexplained. A streak or a photo's shading runs on around the box and is explained;
    specks are smaller (benchmarks/tuning-ink.md#light-short-values-session-14); a photo's
    grain leaves a few pixels (#faint-marks-as-many-as-a-letters-session-21)."""
    return ink.faint_largest >= SPECK_MAX_SIZE and \
        ink.faint_beyond_pixels >= FAINT_LETTER_MIN_PIXELS


def light_copy(ink: Ink) -> bool:
    """The print near the box came out so light that PEN_VS_PRINT of its darkness is below
    the ink level (INK_CONTRAST): a pen faded with it may count as faint marks only
    (benchmarks/tuning-signature.md#a-signature-on-a-light-copy-session-13)."""
    return ink.print_contrast > 0 and PEN_VS_PRINT * ink.print_contrast < INK_CONTRAST


def noise_without_strokes(ink: Ink, strokes: Ink) -> bool:
    """The box's ink is mostly the noise of the paper around it (see WRITING_MIN_SHARE) and
    hardly any of it lies along pen strokes (see STROKE_MIN_PIXELS)."""
    return ink.beyond_noise < WRITING_MIN_SHARE * ink.fraction and \
        writing_pixels(strokes) < STROKE_MIN_PIXELS


def pen_lines(m: BoxMeasures) -> bool:
    """A signature under a worn copier's specks, which are darker than its thin pen: long light
    pen lines (see :func:`formgen.check.ink.long_pieces`), PIECE_MIN_PIXELS beyond the same
    lines of the paper around, as wide as a signature, where the box's border was found whole
    (benchmarks/tuning-copier.md); PIECE_MIN_PIXELS of them clear of thick dark ink too, for
    a drum's stipple clump leaves thin light pieces inside it (:func:`ink.clear_pieces`). A
    fraction of the box is no guide there (a thin line covers little of it); darkness still
    is: the box's ink must be as dark as pen against the print (PEN_VS_PRINT), so that pencil
    stays for a person."""
    if not (m.border_found and m.border_cover >= STROKE_MIN_COVER):
        return False
    if m.ink.print_contrast > 0 and m.ink.contrast < PEN_VS_PRINT * m.ink.print_contrast:
        return False
    pieces = m.pieces()
    return writing_pixels(pieces) >= PIECE_MIN_PIXELS and pieces.span >= SIGNATURE_MIN_SPAN \
        and pieces.beyond_noise >= WRITING_MIN_SHARE * pieces.fraction \
        and writing_pixels(m.clear_pieces()) >= PIECE_MIN_PIXELS


def letters_in_box(m: BoxMeasures, unmoved: bool = False) -> int:
    """The letters and digits read (value_letters) on lines that do not span the box from
    edge to edge (line_reach of ACROSS_MIN_REACH or more: within 20 px of both edges, or
    past them): such a line is a copier's band across the box, its mottling read as letters
    (benchmarks/tuning-ink.md#letters-read-in-a-band-session-19)."""
    return sum(letters for letters, reach in m.line_reach(unmoved) if reach < ACROSS_MIN_REACH)


def band_read(m: BoxMeasures) -> bool:
    """A line read in the box spans it from edge to edge (see letters_in_box)."""
    return any(reach >= ACROSS_MIN_REACH for _, reach in m.line_reach())


def answer_read(m: BoxMeasures) -> bool:
    """The recogniser reads an answer (ANSWER_MIN_CHARACTERS) in a text box whose border was
    found, where it is or, for a moved box, where it was; not on a band (letters_in_box)."""
    return not m.signature and m.border_found and (
        letters_in_box(m) >= ANSWER_MIN_CHARACTERS
        or m.moved and letters_in_box(m, unmoved=True) >= ANSWER_MIN_CHARACTERS)


def light_text_seen(m: BoxMeasures) -> bool:
    """Light ink looks like text: the detector sees a line of writing, or VALUE_MIN_CHARACTERS
    letters or digits are read (up close too). Where a line read spans the box from edge to
    edge (band_read), what is seen may be that band: only letters read on the other lines
    count."""
    seen = m.text_seen(True).line or m.text_seen(False).line or any(
        m.letters(scale) >= VALUE_MIN_CHARACTERS for scale in (READ_SCALE, CLOSER_SCALE))
    return seen and (not band_read(m) or letters_in_box(m) >= VALUE_MIN_CHARACTERS)


def _wide_line(seen: TextSeen) -> bool:
    return seen.line and seen.line_width >= SIGNATURE_MIN_SPAN * seen.box_width


def seen_or_read(m: BoxMeasures, *, detector: bool = True, kept_read: bool = True) -> bool:
    """A signature the detector sees as a line of writing as wide as a signature must be; a
    required box where it sees a line of writing (not where a line read spans the box from
    edge to edge: band_read) or the recogniser reads an answer. Without the detector (amid
    grain), only the reading counts. kept_read: a line seen only with the print kept needs
    letters read too (_line_seen)."""
    ink = m.ink
    if m.signature:
        return detector and ink.fraction >= SIGNATURE_MIN_FRACTION and dark_as_pen(ink) and (
            _wide_line(m.text_seen(True)) or _wide_line(m.text_seen(False)))
    return m.required and ink.fraction >= FIELD_MIN_FRACTION and (
        detector and _line_seen(m, kept_read) and not band_read(m) or answer_read(m))


def _line_seen(m: BoxMeasures, kept_read: bool) -> bool:
    """The detector sees a line of writing in the box with the print wiped off; or only with
    the print kept (wiping it wipes the writing that touches it) and, where kept_read,
    something is read there (VALUE_MIN_CHARACTERS): the box's own print and a band's clumps
    beside it make a line too
    (benchmarks/tuning-ink.md#a-line-seen-only-with-the-print-kept-session-24)."""
    if m.text_seen(True).line:
        return True
    if not m.text_seen(False).line:
        return False
    return not kept_read or m.value_letters() >= VALUE_MIN_CHARACTERS or (
        m.moved and m.value_letters(unmoved=True) >= VALUE_MIN_CHARACTERS)


def few_strokes_unseen(m: BoxMeasures) -> bool:
    """A required text box taken for written whose ink along pen strokes beyond the noise is
    less than the ink rules ask of writing (FIELD_MIN_PIXELS), where the detector sees no
    line of writing and no answer is read (seen_or_read): a band's clumps, not a pen. Also
    where the noise around is not measured (no blank paper beside the box: its neighbours
    are boxes) (benchmarks/tuning-ink.md#few-pen-strokes-in-a-band-session-20). Any line
    the detector sees counts here, with the print kept or wiped."""
    return m.required and not m.signature and not m.change and \
        writing_pixels(m.strokes()) < FIELD_MIN_PIXELS and not seen_or_read(m, kept_read=False)


def second_opinion(decision: Decision, m: BoxMeasures) -> None:
    """Ask PP-OCR where the ink rules are least sure (tuning notes: benchmarks/tuning-ink.md,
    benchmarks/tuning-text-lines.md). A new value taken for written must read as letters; one
    left to a person is written when it reads as a whole value of its kind, where its border
    was found, or when the ink along pen strokes alone is writing and it reads as letters; it
    is empty by the rules of an empty required box when nothing is read. A required box or
    the signature left to a person is written when the detector sees a clear line of writing
    (a signature: as wide as one) or an answer is read, or when the ink along pen strokes
    alone is writing; not when its ink is mostly noise without pen
    strokes. Amid much noise without pen strokes only an answer read counts; a required text
    box taken for written with fewer pen strokes than writing needs must be seen or read as
    text (few_strokes_unseen). A required box in light ink must look like text too. A box
    found empty that holds pen strokes, or a faint piece as long as a letter, goes to a
    person. A required text box still left to a
    person is empty where its ink is the noise around it, nothing is read and the paper in it
    is not shaded (unread_amid_noise: a copier's band through an empty box). A text box in a
    band so dense that it is taken for paper is never empty by the noise (band_shaded)."""
    status, ink = decision.status, m.ink
    if m.change:
        if status is Status.OK and not (
                m.border_found and m.value_letters() >= VALUE_MIN_CHARACTERS):
            decision.apply("change-unread")
            if decision.status is Status.REVIEW:
                _change_empty(decision, m)
        elif status is Status.REVIEW and m.border_found and ink.fraction >= FIELD_MIN_FRACTION \
                and ink.widest >= WRITING_MIN_WIDTH and m.value_shape():
            decision.apply("change-shaped")
        elif status is Status.REVIEW:
            _change_empty(decision, m)
            if decision.status is Status.REVIEW and m.border_found and \
                    m.border_cover >= STROKE_MIN_COVER and \
                    written(m.strokes(), change=True) is Status.OK and \
                    m.value_letters() >= VALUE_MIN_CHARACTERS:
                decision.apply("change-strokes-written")
        return
    if status is Status.MISSING:
        if writing_pixels(m.strokes()) >= STROKE_MIN_PIXELS:
            decision.apply("strokes-in-empty")
        elif faint_letter(ink):
            decision.apply("faint-letter")
        return
    if status is Status.OK and 0 < ink.faint_largest < SPECK_MAX_SIZE and \
            specks_only(ink, m.strokes()):
        decision.apply("specks-written")  # specks close together: as wide as a word
        return
    strokes = m.strokes() if status is Status.REVIEW or \
        ink.noise >= NOISY_SHARE * ink.fraction else None
    grain = strokes is not None and amid_grain(ink, strokes)
    if status is Status.OK and grain and not answer_read(m):
        decision.apply("pen-lines-under-specks" if m.signature and pen_lines(m)
                       else "stipple-dense" if stipple_dense(m) else "grain-unread")
        return
    if status is Status.OK and m.required and not m.signature \
            and ink.contrast < LIGHT_ANSWER_CONTRAST:
        decision.apply("light-seen" if light_text_seen(m) else "light-unread")
        return
    if status is Status.OK and few_strokes_unseen(m):
        decision.apply("strokes-few-unseen")
        return
    if status is not Status.REVIEW or strokes is None:
        return
    if faint_noise_only(ink, strokes, m.signature):
        _empty(decision, m, "faint-noise")
        return
    if m.signature and light_copy(ink) and \
            written(m.light_copy(PEN_VS_PRINT), signature=True) is Status.OK:
        decision.apply("pen-on-light-copy")
        return
    # a signature's long light pen lines under darker specks: never an empty box
    lines = m.signature and (noise_only(ink, strokes, True) or specks_only(ink, strokes)
                             or noise_without_strokes(ink, strokes)) and pen_lines(m)
    if not lines and noise_only(ink, strokes, m.signature) and not thin_pen_lines(m) \
            and not pen_curve_seen(m):
        _empty(decision, m, "noise-only")
        return
    if not lines and specks_only(ink, strokes) and not pen_curve_seen(m):
        _empty(decision, m, "specks-only")
        return
    if not lines and m.signature and stipple_only(m) and not pen_curve_seen(m):
        decision.apply("stipple-only")
        return
    if not lines and stipple_dense(m):
        decision.apply("stipple-dense")
        return
    if lines or noise_without_strokes(ink, strokes):
        decision.apply("pen-lines-under-specks" if lines else "noise-without-strokes")
    elif ink.widest >= WRITING_MIN_WIDTH and seen_or_read(m, detector=not grain):
        decision.apply("seen-or-read")
    elif m.border_found and m.border_cover >= STROKE_MIN_COVER and \
            written(strokes, signature=m.signature) is Status.OK:
        decision.apply("strokes-written")
    elif signed_under_band(m, strokes):
        decision.apply("strokes-under-band")
    if decision.status is Status.REVIEW and not lines and unread_amid_noise(m):
        decision.apply("unread-amid-noise")


def _change_empty(decision: Decision, m: BoxMeasures) -> None:
    """Empty is empty in the change group too: a change box left to a person whose ink the
    rules for an empty required box explain (faint-noise, noise-only, specks-only: the noise
    of the paper around, fewer than STROKE_MIN_PIXELS pixels of pen strokes) and in which
    the recogniser reads no letters or digits (VALUE_MIN_CHARACTERS) is empty. Without it a
    request with no change written goes to a person whenever a copy is noisy
    (benchmarks/tuning-ink.md#empty-change-boxes-under-noise-session-15)."""
    ink, strokes = m.ink, m.strokes()
    rule = "faint-noise" if faint_noise_only(ink, strokes, False) else \
        "noise-only" if noise_only(ink, strokes, False) else \
        "specks-only" if specks_only(ink, strokes) else None
    if rule is not None and m.value_letters() < VALUE_MIN_CHARACTERS:
        decision.apply(rule)
    elif rule is None and unread_without_strokes(m):
        decision.apply("unread-without-strokes")


def unread_without_strokes(m: BoxMeasures) -> bool:
    """A new value's box, its border found, amid the noise of the paper around it
    (:func:`amid_grain`: NOISY_SHARE of its ink is that noise, fewer than STROKE_MIN_PIXELS
    pixels of pen strokes beyond it), no long thin pen line however light
    (:func:`thin_pen_lines`), and in which the recogniser reads no letters or digits
    (VALUE_MIN_CHARACTERS). Drum bands, ink bleed and a bad copy's grain leave dots and
    blots in the box, more ink than the empty-box bounds allow, which the noise on the same
    rows and columns around explains along pen strokes; a written value keeps its strokes
    or reads, and a light pen that does neither is not amid noise. Not where the paper in
    the box is shaded more than PAPER_SHADE_MAX: a dense band taken for paper hides writing
    from every ink measure and from the recogniser
    (benchmarks/tuning-ink.md#empty-change-boxes-with-stroke-like-noise-session-16)."""
    return m.border_found and amid_grain(m.ink, m.strokes()) and not thin_pen_lines(m) \
        and m.value_letters() < VALUE_MIN_CHARACTERS and m.paper_shade() <= PAPER_SHADE_MAX


def _empty(decision: Decision, m: BoxMeasures, rule: str) -> None:
    """Apply one of the rules of an empty box, unless the box lies in a band taken for paper."""
    decision.apply("band-shaded" if band_shaded(m) else rule)


def band_shaded(m: BoxMeasures) -> bool:
    """A text box (not the signature, not a new value) in a copier's band so dense that the
    paper estimate takes it for paper (paper_shade over PAPER_SHADE_MAX): writing in it is no
    ink to any measure, so the rules of an empty box (faint-noise, noise-only, specks-only)
    cannot tell it from an empty one; a person looks
    (benchmarks/tuning-ink.md#writing-in-a-band-taken-for-paper-session-31)."""
    return not m.signature and not m.change and m.paper_shade() > PAPER_SHADE_MAX


def read_closer(m: BoxMeasures) -> bool:
    """A text box in which the recogniser reads VALUE_MIN_CHARACTERS letters or digits up
    close (CLOSER_SCALE): light writing beside a band that the reading at READ_SCALE misses.
    Such a box is not found empty amid a band's noise (unread_amid_noise)
    (benchmarks/tuning-ink.md#read-up-close-before-a-box-is-empty-session-30)."""
    return not m.signature and m.letters(CLOSER_SCALE) >= VALUE_MIN_CHARACTERS


def unread_amid_noise(m: BoxMeasures) -> bool:
    """Empty is empty in a required text box left to a person under a copier's bands: what
    noise_only asks of the ink but the bound on the ink beyond the noise (a band's clumps
    differ from one row of paper to the next: its rest beyond the noise around exceeds
    FAINT_FACTOR of the minimum), no piece of ink NOISE_MAX_PIECE px long, fewer than
    STROKE_MIN_PIXELS pixels of pen strokes at all, and, as for a new value
    (unread_without_strokes), nothing read and the paper in the box not shaded by a dense
    band (benchmarks/tuning-ink.md#empty-boxes-under-bands-session-19)."""
    return m.required and not m.signature and not m.change \
        and m.ink.largest < NOISE_MAX_PIECE and m.strokes().pixels < STROKE_MIN_PIXELS \
        and unread_without_strokes(m) and not read_closer(m)


def machine_text(lines: list[tuple[str, float]]) -> str | None:
    """The text of the lines read surely (MACHINE_TEXT_CONFIDENCE) when they hold enough
    letters and digits, enough of them different, to be typed or stamped text; None for what
    reads as a pen signature (loops read as one letter again and again)."""
    sure = [text for text, score in lines if score >= MACHINE_TEXT_CONFIDENCE]
    letters = [ch for text in sure for ch in text if ch.isascii() and ch.isalnum()]
    if len(letters) < MACHINE_TEXT_MIN_CHARACTERS or \
            len(set(letters)) < MACHINE_TEXT_MIN_DISTINCT:
        return None
    return " ".join(sure)


class InkBeside(Protocol):
    def ink_beside(self, confidence: float) -> Beside: ...


def pen_across(m: InkBeside) -> bool:
    """Beside the machine text (the lines read surely), its frame and rings, PEN_MIN_INK ink
    pixels with one piece PEN_MIN_LINES text-line heights long: a pen signature across a
    stamp."""
    beside = m.ink_beside(MACHINE_TEXT_CONFIDENCE)
    return beside.pixels >= PEN_MIN_INK and beside.longest >= PEN_MIN_LINES * beside.line_height


def decide_box(m: BoxMeasures, *, typed: bool, printed_by_us: bool, digital: bool) -> Decision:
    """The status of a box on a form page, and the rules that set it. typed: a value typed
    into the PDF; printed_by_us: a value our prefilled, verified token carries; digital: the
    page came from a digitally filled PDF (no paper, no pen)."""
    status, rule, unmet = _ink_rule(m.ink, m.signature, m.change)
    decision = Decision(status, [rule], unmet)
    if not typed and not digital:
        second_opinion(decision, m)
        if decision.status is Status.REVIEW and pen_colour_written(m):
            decision.apply("pen-colour")
    if decision.status is Status.OK and not typed and not digital and band_stretch(m, decision):
        decision.apply("band-stretch")
    if typed and decision.status is not Status.OK:
        decision.apply("typed")
    if decision.status is not Status.OK and printed_by_us:
        decision.apply("printed-by-us")  # our print is there; noise over it may hide it
    if decision.status is Status.OK and not typed and not digital:
        _by_hand(decision, m)
    if m.signature and digital:
        decision.apply("digital-signature" if decision.status is Status.OK
                       else "digital-unsigned")
    return decision


# The rules that find a box written by its ink beyond the noise (m.ink), or by its ink along
# pen strokes alone (m.strokes()).
_BY_INK = ("ink-written", "light-seen")
_BY_STROKES = ("strokes-written", "change-strokes-written", "strokes-under-band")


def pen_colour_written(m: BoxMeasures) -> bool:
    """A required text box or the signature left to a person whose pen-coloured ink alone
    (m.colour(): a ballpoint's blue; the print, toner and a copier's grain are grey) is
    writing by the ink rules, beyond the pen-coloured noise of the paper around it. Not a new
    value: it must read as one (second_opinion)
    (benchmarks/tuning-ink.md#pen-coloured-ink-session-25)."""
    if m.change or not (m.required or m.signature):
        return False
    colour = m.colour()
    return colour is not None and written(colour, signature=m.signature) is Status.OK


def band_stretch(m: BoxMeasures, decision: Decision) -> bool:
    """A box written by an ink rule (ink-written, or by its pen strokes) whose ink beyond the
    densest stretch of the noise around it (``Ink.beyond_peak``) is less than the ink rules
    ask of writing at all (the minimum fraction, FIELD_MIN_PIXELS): a copier's band that comes
    and goes down the page is as dense in the box as in its dense stretches, denser than its
    mean around, and what the ink rules took for writing may be the band. Not its share of the
    ink (WRITING_MIN_SHARE): beside a dense band a written box has little. Not where the box
    shows what a band does not: a smooth pen line PEN_CURVE_MIN px long in the signature box
    (pen_curve_seen), an answer read in a required text box or a new value's box (answer_read)
    (benchmarks/tuning-ink.md#empty-boxes-in-a-bands-dense-stretch-session-23,
    #a-new-value-read-in-a-bands-dense-stretch-session-24)."""
    rule = decision.rule
    ink = m.ink if rule in _BY_INK else m.strokes() if rule in _BY_STROKES else None
    if ink is None:
        return False
    minimum = SIGNATURE_MIN_FRACTION if m.signature else FIELD_MIN_FRACTION
    if ink.beyond_peak >= minimum and \
            writing_pixels(replace(ink, noise=ink.peak_noise)) >= FIELD_MIN_PIXELS:
        return False
    if m.signature:
        return not pen_curve_seen(m)
    return not ((m.required or m.change) and answer_read(m))


def _by_hand(decision: Decision, m: BoxMeasures) -> None:
    """A box written on paper: a signature must be handwriting; a new value struck through
    is empty when surely struck with nothing beside it, else goes to a person, who reads
    whether a value holds, and so does a strike in doubt (see strike_rule). Only in the
    change group: bold joined handwriting can hold a straight run like a strike's
    (benchmarks/tuning-struck.md)."""
    if m.signature:
        if machine_text(m.machine_lines()):
            decision.apply("pen-across-stamp" if pen_across(m) else "machine-text")
    elif m.change:
        strike = m.strike()
        rule = strike_rule(strike, 0.0 if strike is not None else m.strike_doubt())
        if rule is not None:
            decision.apply(rule)


def strike_rule(strike: Strike | None, doubt: float) -> str | None:
    """The rule for a new value written on paper by its strike measures (None: no strike
    rule applies): struck and corrected; struck and empty (see empty_rule); struck, for a
    person to read; or no strike found, but a straight run through the middle of the writing
    over STRIKE_DOUBT_COVER of its width (strike_doubt) that only the copy's noise tells from
    a strike: strike-in-doubt, a person looks (a crossed-out only change is never `ok`)."""
    if strike is not None:
        return "struck-corrected" if strike.corrected else empty_rule(strike) or "struck"
    return "strike-in-doubt" if doubt >= STRIKE_DOUBT_COVER else None


def empty_rule(strike: Strike) -> str | None:
    """The rule that finds a struck box empty, or None (then a person reads it). Nothing
    beside the struck value, and
    - struck-empty: a straight line STRIKE_SURE_REACH heights of the writing long or more,
      over STRIKE_SURE_COVER of its width, the ink across it thin (STRIKE_MAX_THICKNESS of
      the writing's height: a pen line between the letters, not a run inside a felt pen's
      filled letters), through the letters (at most STRIKE_MAX_ABOVE of them above it: an
      underline has all but the descenders above it), and straight (STRIKE_MIN_ON_INK of
      its points on ink: a paraph's curve holds a straight run at one angle only in part);
    - struck-short-empty: the same across a short value (STRIKE_SHORT_REACH heights or more),
      the ink across it thinner (STRIKE_SHORT_MAX_THICKNESS): a felt pen's bold word holds
      straight runs as short;
    - scribbled-empty: a scribble (zigzag, loops, a steep cross) over SCRIBBLE_SURE_COVER of
      the writing's width, the ink across its strokes thin (SCRIBBLE_MAX_THICKNESS: a felt
      pen's filled capitals hold steep strokes too, but thick ones), and no straight line in
      the box (an underline joins a slanted hand's capitals into one scribble-like piece)."""
    if strike.corrected:
        return None
    if not strike.straight:
        return "scribbled-empty" if strike.cover >= SCRIBBLE_SURE_COVER and not strike.lined \
            and strike.thickness <= SCRIBBLE_MAX_THICKNESS else None
    if strike.cover < STRIKE_SURE_COVER or strike.above > STRIKE_MAX_ABOVE \
            or strike.on_ink < STRIKE_MIN_ON_INK:
        return None
    if strike.reach >= STRIKE_SURE_REACH and strike.thickness <= STRIKE_MAX_THICKNESS:
        return "struck-empty"
    if strike.reach >= STRIKE_SHORT_REACH and strike.thickness <= STRIKE_SHORT_MAX_THICKNESS:
        return "struck-short-empty"
    return None


def surely_struck(strike: Strike) -> bool:
    """The struck box is empty (see empty_rule)."""
    return empty_rule(strike) is not None


def decide_group(statuses: list[Status], corrected: bool) -> tuple[Status, str]:
    """At least one of a group's boxes: written when one is (unless a box in it was struck
    out and filled in again: a person reads which value holds); in doubt when one is."""
    if corrected:
        return Status.REVIEW, "group-corrected"
    if Status.OK in statuses:
        return Status.OK, "group-filled"
    if Status.REVIEW in statuses:
        return Status.REVIEW, "group-doubt"
    return Status.MISSING, "group-empty"


def id_name_rule(*, surname_read: bool, shown: bool, near: bool, mrz_image: bool | None,
                 face: bool | None, from_request: bool,
                 name_read: bool, surname_fits: bool, given: GivenNames, typed: bool,
                 far: bool) -> str:
    """The rule that decides id_name: the identity document's holder against the name on the
    form. ``shown``: a reading of the form's name holds the document's surname and given names
    (identity.checks.names_the_holder; for a handwritten name also the holder's name that
    explains the box, identity.name_score.holds).

    - The name comes from the request (``from_request``: the verified token): the surname and
      the given names must fit; given names that cannot be compared (the record or the document
      has none) pass, the request says who the account holder is.
    - Any other name (typed into the PDF, our print read back, handwriting on a blank form) is
      all there is to tell the account holder from a relative with the same surname: ``ok``
      only where ``shown``, anything else goes to a person (never a warning: a relative's or a
      stranger's ID must not pass as complete).
    ``near``: the name is text (the token's or typed into the PDF) and its given names fit the
    document's only as a misread would (a letter or two apart: Hendrik and Hendrika, Anne and
    Anna are two people); ``far``: the form's first given name shares few letters with the
    document's (another person's, not a misread); ``typed``: the name is machine print, read
    reliably. ``mrz_image``: where the MRZ's given names hold unread characters and the
    reading is ``near``, or ``shown`` with unread characters right after the given name,
    whether the image of the name row shows the form's first given name ended there
    (identity.checks.mrz_shows_name; None: not looked at). A near reading it shows is a
    misread; a shown one it does not show may be a relative's longer name cut short.
    ``face``: where the surname fits and the MRZ leaves the given name in doubt (near and not
    shown by the row's image, shown but perhaps cut short, or holding unread characters),
    whether the document's face shows the surname and the form's first given name as a whole
    word (identity.face.shows_name: a relative's face shows the relative's name; None: not
    looked at). The face is printed larger than the MRZ: what it shows is the holder's name."""
    if not surname_read:
        return "id-surname-unread"
    if face:
        return "id-holder-face"
    if shown and mrz_image is False:
        return "id-given-unread"
    if shown:
        return "id-holder"
    if near and mrz_image:
        return "id-holder-mrz-image"
    if near:
        return "id-given-near"
    if not name_read:
        return "id-no-name"
    if surname_fits and from_request and given is GivenNames.UNKNOWN:
        return "id-holder-surname"
    if surname_fits:
        sure = from_request or typed or far
        return "id-relative" if given is GivenNames.DIFFERENT and sure else "id-given-unsure"
    return "id-other-surname" if typed or from_request else "id-hand-unread"


def border_found(score: float, cover: float, shift: int, search: int) -> bool:
    """The box's printed border matched well enough (FOUND_SCORE, FOUND_COVER), and not at
    the edge of the search (where the best place may lie beyond it)."""
    return score >= FOUND_SCORE and cover >= FOUND_COVER and shift < search


def border_whole(cover: float) -> bool:
    """Both halves of the border there (WHOLE_COVER), not only the box's sides: only such a
    border is looked for beyond the search (placement.FOLLOW)."""
    return cover >= WHOLE_COVER


def explanation(decision: Decision, measures: dict[str, Any] | None = None,
                members: dict[str, tuple[str, dict[str, Any] | None]] | None = None
                ) -> dict[str, Any]:
    """A box's decision for ``--explain`` and the report (JSON): the rule that decided, all
    rules that set its status in order, the conditions of ink-written it did not meet, and
    the measures taken (floats rounded). A group's also holds "members": per box judged in it,
    its status and its own explanation (the same keys)."""
    shown = {"rule": decision.rule, "rules": list(decision.rules),
             "unmet": list(decision.unmet),
             "measures": {k: _rounded(v) for k, v in (measures or {}).items()}}
    if members is not None:
        shown["members"] = {code: {"status": status, **(explain or {})}
                            for code, (status, explain) in members.items()}
    return shown


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def describe(explain: dict[str, Any]) -> list[str]:
    """The explanation in lines for support (Dutch, with the names of rules and measures)."""
    lines = []
    for rule_id in explain["rules"]:
        rule = RULES[rule_id]
        limits = ", ".join(f"{name} {THRESHOLDS[name].value:g}" for name in rule.thresholds)
        decided = "besliste" if rule_id == explain["rule"] else "daarvoor"
        lines.append(f"regel {rule_id} ({decided}): {rule.text}"
                     + (f" [{limits}]" if limits else ""))
    written_rule = "ink-written"
    if explain["unmet"] and written_rule not in explain["rules"]:
        lines.append(f"niet voldaan voor {written_rule}: " + "; ".join(explain["unmet"]))
    for name, value in explain["measures"].items():
        lines.append(f"  {name} = {_shown(value)}" + (f"  ({MEASURES[name]})"
                                                      if name in MEASURES else ""))
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)
