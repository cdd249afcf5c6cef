"""A form box's measures, taken when a decision asks for them and kept for ``--explain``.

The ink is measured for every box; the slow measures (PP-OCR's detector and recogniser, the
ink along pen strokes, a strike, machine text) only when a rule of
:mod:`formgen.check.decision` asks, each once. Every measure taken is recorded by name (see
``decision.MEASURES``) so that support can see why a box got its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from formgen.check.form_pages import FormPage
from formgen.check.ink import (
    FAINT_CONTRAST,
    INK_CONTRAST,
    Ink,
    boxes_mask,
    measure,
    paper_shade,
    pixel_box,
    reference_pages,
)
from formgen.check.placement import Offset, moved
from formgen.check.signature import Beside, ink_beside_text, longest_pen_curve, read_lines
from formgen.check.struck import Strike, strike_measures
from formgen.check.text_lines import (
    READ_SCALE,
    BoxLine,
    TextSeen,
    is_form_print,
    letters_and_digits,
    read_box,
    read_box_quads,
    text_in_box,
)
from formgen.check.value_shape import looks_like
from formgen.definition import Field
from formgen.form.template import FormTemplate

_UNSET = object()


@dataclass
class FormBox:
    """One box of the form on the copy of its page where it was measured (see
    :func:`formgen.check.fields._ink`): page, moved so that the box is at its place when its
    border was found elsewhere; unmoved, the copy as it came."""

    field: Field
    template: FormTemplate
    page: FormPage
    offset: Offset
    unmoved: FormPage
    ink: Ink
    values: dict[str, Any] = dc_field(default_factory=dict)  # the measures taken, by name
    _cache: dict[tuple[Any, ...], Any] = dc_field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        ink, o = self.ink, self.offset
        self.values.update(fraction=ink.fraction, noise=ink.noise,
                           beyond_noise=ink.beyond_noise, pixels=ink.pixels,
                           writing_pixels=_writing_pixels(ink), widest=ink.widest,
                           largest=ink.largest, faint_largest=ink.faint_largest,
                           span=ink.span, faint_fraction=ink.faint_fraction,
                           faint_beyond_noise=ink.faint_beyond_noise,
                           faint_beyond_pixels=ink.faint_beyond_pixels,
                           contrast=ink.contrast, beyond_peak=ink.beyond_peak)
        if self.signature:
            self.values.update(print_contrast=ink.print_contrast,
                               beyond_through=ink.beyond_through)
        self.values.update(border_found=o.found, border_score=o.score, border_cover=o.cover,
                           border_shift=[o.dx, o.dy], border_bend=o.bent)

    @property
    def signature(self) -> bool:
        return self.field.kind == "signature"

    @property
    def required(self) -> bool:
        return self.field.required

    @property
    def change(self) -> bool:
        return bool(self.field.group)

    @property
    def border_found(self) -> bool:
        return self.offset.found

    @property
    def border_cover(self) -> float:
        return self.offset.cover

    @property
    def moved(self) -> bool:
        return self.page is not self.unmoved

    def _once(self, key: tuple[Any, ...], take: Any) -> Any:
        value = self._cache.get(key, _UNSET)
        if value is _UNSET:
            value = self._cache[key] = take()
        return value

    @property
    def _printed(self) -> Any:
        return reference_pages(self.template.pdf)[self.field.page - 1]

    @property
    def _rect(self) -> Any:
        return self.template.layout.box(self.field.id).rect

    @property
    def _other_boxes(self) -> Any:
        """The page's other boxes, left out of the paper's noise around this one."""
        printed = self._printed
        return boxes_mask((printed.shape[0], printed.shape[1]), tuple(
            b.rect for b in self.template.layout.boxes if b.field.page == self.field.page))

    def strokes(self) -> Ink:
        """The ink in the box along pen strokes only (see
        :func:`formgen.check.ink.stroke_strength`), the noise around measured the same way."""
        def take() -> Ink:
            printed, others = self._printed, self._other_boxes
            ink = measure(self.page.warped, printed, self._rect, boxes=others,
                          print_darkness=self.signature, strokes=True)
            self.values.update(stroke_pixels=ink.pixels, stroke_fraction=ink.fraction,
                               stroke_beyond_noise=ink.beyond_noise,
                               stroke_writing_pixels=_writing_pixels(ink),
                               stroke_beyond_peak=ink.beyond_peak)
            return ink
        return self._once(("strokes",), take)

    def pieces(self) -> Ink:
        """The ink in the box on long pieces of pen stroke, however light (see
        :func:`formgen.check.ink.long_pieces`), the paper around measured the same way."""
        def take() -> Ink:
            printed, others = self._printed, self._other_boxes
            ink = measure(self.page.warped, printed, self._rect, boxes=others, pieces=True)
            self.values.update(piece_pixels=ink.pixels, piece_beyond_noise=ink.beyond_noise,
                               piece_writing_pixels=_writing_pixels(ink), piece_span=ink.span)
            return ink
        return self._once(("pieces",), take)

    def clear_pieces(self) -> Ink:
        """The long pieces of pen stroke clear of thick dark ink (see
        :func:`formgen.check.ink.clear_pieces`), the paper around measured the same way."""
        def take() -> Ink:
            printed, others = self._printed, self._other_boxes
            ink = measure(self.page.warped, printed, self._rect, boxes=others, pieces=True,
                          clear=True)
            self.values.update(clear_piece_writing_pixels=_writing_pixels(ink))
            return ink
        return self._once(("clear_pieces",), take)

    def pen_curve(self) -> float:
        """The longest smooth piece of pen line in the box (see
        :func:`formgen.check.signature.longest_pen_curve`), px at CHECK_DPI."""
        def take() -> float:
            length = longest_pen_curve(self.page.warped, self._printed, self._rect)
            self.values["pen_curve"] = length
            return length
        return self._once(("pen_curve",), take)

    def paper_shade(self) -> float:
        """How much darker the paper in the box is than the paper around (see
        :func:`formgen.check.ink.paper_shade`)."""
        def take() -> float:
            shade = paper_shade(self.page.warped, self._rect)
            self.values["paper_shade"] = shade
            return shade
        return self._once(("shade",), take)

    def colour(self) -> Ink | None:
        """The ink in the box counting pen-coloured pixels only (see
        :func:`formgen.check.ink.pen_coloured`), the paper around measured the same way; None
        on a grey copy."""
        def take() -> Ink | None:
            view = self.unmoved.pen_view()
            if view is None:
                return None
            if self.moved:
                view = moved(view, self.offset)
            ink = measure(view, self._printed, self._rect, boxes=self._other_boxes,
                          ink_contrast=FAINT_CONTRAST)
            self.values.update(colour_pixels=ink.pixels, colour_fraction=ink.fraction,
                               colour_beyond_noise=ink.beyond_noise,
                               colour_writing_pixels=_writing_pixels(ink))
            return ink
        return self._once(("colour",), take)

    def light_copy(self, share: float) -> Ink:
        """The ink in the box counted from share times the print's darkness near it instead of
        from INK_CONTRAST: on a copy that came out light as a whole (a photo in a shadow, a
        washed-out phone picture) print and pen fade alike; pencil stays lighter than print."""
        def take() -> Ink:
            printed, others = self._printed, self._other_boxes
            level = max(FAINT_CONTRAST, min(INK_CONTRAST, share * self.ink.print_contrast))
            ink = measure(self.page.warped, printed, self._rect, boxes=others,
                          print_darkness=True, ink_contrast=level)
            self.values.update(light_level=level, light_fraction=ink.fraction,
                               light_beyond_noise=ink.beyond_noise, light_widest=ink.widest,
                               light_span=ink.span, light_writing_pixels=_writing_pixels(ink))
            return ink
        return self._once(("light", share), take)

    def text_seen(self, wipe_print: bool) -> TextSeen:
        """What the detector sees in the box, the print wiped off or as it is."""
        def take() -> TextSeen:
            seen = text_in_box(self.page.warped, self._printed, self._rect,
                               wipe_print=wipe_print)
            self.values.setdefault("line_width", {})["zonder druk" if wipe_print
                                                     else "met druk"] = seen.line_width
            return seen
        return self._once(("seen", wipe_print), take)

    def reading(self, scale: float = READ_SCALE, unmoved: bool = False) -> str:
        """What PP-OCR reads in the box (enlarged scale times); unmoved: where the page put it."""
        if scale == READ_SCALE:
            return " ".join(line.text for line in self._read_lines(unmoved))
        view = self.unmoved if unmoved else self.page
        return self._once(("read", scale, unmoved), lambda: read_box(
            view.warped, self._printed, self._rect, scale=scale))

    def _read_lines(self, unmoved: bool) -> list[BoxLine]:
        view = self.unmoved if unmoved else self.page
        return self._once(("lines", unmoved), lambda: read_box_quads(
            view.warped, self._printed, self._rect))

    def line_reach(self, unmoved: bool = False) -> list[tuple[int, float]]:
        """Per line read (at READ_SCALE): its letters and digits, and how far (px) it runs out
        past the box's left and right edges, the lesser of the two (below 0: short of it): a
        band across the box is read as one line from edge to edge or past both, writing stays
        in the box or runs out on one side. No letters where the reading is the form's own
        print."""
        x0, _, x1, _ = pixel_box(self._rect)
        read = self.value_letters(unmoved) > 0
        reach = [(letters_and_digits(line.text) if read else 0,
                  float(min(x0 - line.quad[:, 0].min(), line.quad[:, 0].max() - x1)))
                 for line in self._read_lines(unmoved)]
        self.values["line_reach_unmoved" if unmoved else "line_reach"] = [r for _, r in reach]
        return reach

    def letters(self, scale: float) -> int:
        count = letters_and_digits(self.reading(scale))
        self.values.setdefault("letters", {})[f"x{scale}"] = count
        return count

    def value_letters(self, unmoved: bool = False) -> int:
        """The letters and digits read (at READ_SCALE) when the reading is not the form's own
        print; 0 when it is."""
        reading = self.reading(unmoved=unmoved)
        count = 0 if is_form_print(reading, self.template.pdf, self.field.page) else \
            letters_and_digits(reading)
        self.values["value_letters_unmoved" if unmoved else "value_letters"] = count
        return count

    def value_shape(self) -> bool:
        reading = self.reading()
        shaped = looks_like(self.field.kind, reading) and not is_form_print(
            reading, self.template.pdf, self.field.page)
        self.values["value_shape"] = shaped
        return shaped

    def machine_lines(self) -> list[tuple[str, float]]:
        return [(line.text, line.confidence) for line in self._box_lines()]

    def _box_lines(self) -> list[Any]:
        def take() -> list[Any]:
            lines = read_lines(self.page.warped, self._printed, self._rect)
            self.values["machine_lines"] = [round(line.confidence, 2) for line in lines]
            return lines
        return self._once(("machine",), take)

    def ink_beside(self, confidence: float) -> Beside:
        """The ink beside the lines read at least this surely (a pen across a stamp)."""
        def take() -> Beside:
            sure = [line for line in self._box_lines() if line.confidence >= confidence]
            beside = ink_beside_text(self.page.warped, self._printed, self._rect, sure)
            self.values.update(beside_pixels=beside.pixels, beside_longest=beside.longest,
                               text_line_height=round(beside.line_height, 1))
            return beside
        return self._once(("beside", confidence), take)

    def strike(self) -> Strike | None:
        return self._strike_measures()[0]

    def strike_doubt(self) -> float:
        """The strike in doubt (formgen.check.struck.strike_measures), 0.0 when struck."""
        return self._strike_measures()[1]

    def _strike_measures(self) -> tuple[Strike | None, float]:
        def take() -> tuple[Strike | None, float]:
            boxes = tuple(b.rect for b in self.template.layout.boxes
                          if b.field.page == self.field.page)
            strike, doubt = strike_measures(self.page.warped, self._printed, self._rect, boxes)
            self.values["strike"] = "nee" if strike is None else (
                "ja, met een andere waarde erbij" if strike.corrected else "ja")
            if strike is None:
                self.values["strike_doubt"] = round(doubt, 2)
            else:
                self.values.update(strike_straight=strike.straight, strike_reach=strike.reach,
                                   strike_cover=strike.cover,
                                   strike_thickness=strike.thickness,
                                   strike_above=strike.above, strike_on_ink=strike.on_ink,
                                   strike_lined=strike.lined)
            return strike, doubt
        return self._once(("strike",), take)


def _writing_pixels(ink: Ink) -> float:
    return ink.pixels * ink.beyond_noise / ink.fraction if ink.fraction else 0.0
