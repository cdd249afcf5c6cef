"""The layout contract: where every field, mark and QR code sits on the page.

Rectangles are in PDF points with the origin at the top-left of the page. The render pass
records them while it draws, so the contract can never drift from the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formgen.definition import Field, FormDefinition


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    def to_json(self) -> dict[str, float]:
        return {k: round(v, 2) for k, v in vars(self).items()}

    def to_data(self) -> list[float]:
        """Exact, for the cache (to_json rounds for people)."""
        return [self.x, self.y, self.width, self.height]

    @classmethod
    def from_data(cls, data: list[Any]) -> Rect:
        x, y, width, height = (_number(v) for v in data)
        return cls(x, y, width, height)

    def to_pdf(self, page_height: float) -> tuple[float, float, float, float]:
        """[llx, lly, urx, ury] in PDF user space (origin bottom-left)."""
        return (self.x, page_height - self.y - self.height, self.x + self.width,
                page_height - self.y)


@dataclass(frozen=True)
class Mark:
    id: int
    corner: str
    rect: Rect


@dataclass(frozen=True)
class PageLayout:
    number: int
    width: float
    height: float
    marks: tuple[Mark, ...]
    qr: Rect


@dataclass(frozen=True)
class FieldBox:
    field: Field
    rect: Rect


@dataclass(frozen=True)
class Layout:
    pages: tuple[PageLayout, ...]
    boxes: tuple[FieldBox, ...]

    def box(self, field_id: str) -> FieldBox:
        for b in self.boxes:
            if b.field.id == field_id:
                return b
        raise KeyError(field_id)

    def page(self, number: int) -> PageLayout:
        return self.pages[number - 1]

    def to_data(self) -> dict[str, Any]:
        """Everything, exactly, as JSON data for the cache; a box names its field by id."""
        return {
            "pages": [{"number": p.number, "width": p.width, "height": p.height,
                       "qr": p.qr.to_data(),
                       "marks": [[m.id, m.corner, m.rect.to_data()] for m in p.marks]}
                      for p in self.pages],
            "boxes": [[b.field.id, b.rect.to_data()] for b in self.boxes],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], form: FormDefinition) -> Layout:
        """The layout to_data wrote, with the fields of `form` (the definition it was built
        from: the cache key holds it). KeyError, TypeError or ValueError when it is not."""
        pages = tuple(
            PageLayout(int(p["number"]), _number(p["width"]), _number(p["height"]),
                       tuple(Mark(int(i), str(corner), Rect.from_data(rect))
                             for i, corner, rect in p["marks"]),
                       Rect.from_data(p["qr"]))
            for p in data["pages"])
        fields = {f.id: f for f in form.fields}
        return cls(pages, tuple(FieldBox(fields[field_id], Rect.from_data(rect))
                                for field_id, rect in data["boxes"]))

    def to_json(self, form: FormDefinition) -> dict[str, Any]:
        first = self.pages[0]
        return {
            "form": {"id": form.id, "version": form.version, "title": form.title,
                     "date": form.date.isoformat(), "page_count": form.page_count},
            "units": "pt",
            "origin": "top-left",
            "page_size": {"width": round(first.width, 2), "height": round(first.height, 2)},
            "pages": [{
                "number": p.number,
                "width": round(p.width, 2),
                "height": round(p.height, 2),
                "qr": p.qr.to_json(),
                "marks": [{"id": m.id, "corner": m.corner, **m.rect.to_json()} for m in p.marks],
            } for p in self.pages],
            "groups": {g.id: {"label": g.label, "rule": g.rule, "min_filled": 1,
                              "fields": list(g.field_ids)} for g in form.groups.values()},
            "fields": [{
                "id": b.field.id,
                "label": b.field.label,
                "kind": b.field.kind,
                "section": b.field.section,
                "required": b.field.required,
                "group": b.field.group,
                "prefill": b.field.prefill,
                "locked": b.field.read_only_prefilled,
                "page": b.field.page,
                "rect": b.rect.to_json(),
            } for b in self.boxes],
        }


def _number(value: Any) -> float:
    """A number read back as it was written (an int stays an int)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    return value
