"""The logical structure of the form, recorded while the pages are drawn (tagged PDF).

The render pass wraps every text it draws in marked content with an MCID and records it
here as a node; lines, boxes and marks are drawn as artifacts. structure.py turns these
nodes into the StructTreeRoot after the fields exist (fpdf2 cannot tag form fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol


class _Out(Protocol):
    page: int

    def _out(self, s: str) -> None: ...


@dataclass
class Node:
    """One structure element: its role, the marked content it owns, its children.

    field_id: a Form element for the widget of this field; alt: alternate description.
    """

    role: str
    page: int = 0
    mcids: list[int] = field(default_factory=list)
    kids: list[Node] = field(default_factory=list)
    field_id: str | None = None
    alt: str | None = None

    def add(self, node: Node) -> Node:
        self.kids.append(node)
        return node

    def walk(self) -> Iterator[Node]:
        yield self
        for kid in self.kids:
            yield from kid.walk()


class Tagger:
    """Emits BDC/EMC pairs into the fpdf2 page content and builds the node tree."""

    def __init__(self, pdf: _Out) -> None:
        self.pdf = pdf
        self.root = Node("Document")
        self._next: dict[int, int] = {}

    @contextmanager
    def content(self, parent: Node, role: str, alt: str | None = None) -> Iterator[Node]:
        """Everything drawn inside becomes one new element `role` under `parent`."""
        node = parent.add(Node(role, self.pdf.page, alt=alt))
        with self.mark(node):
            yield node

    @contextmanager
    def mark(self, node: Node) -> Iterator[None]:
        page = self.pdf.page
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        node.page = page
        node.mcids.append(mcid)
        self.pdf._out(f"/{node.role if node.role in _CONTENT_ROLES else 'Span'} "
                      f"<</MCID {mcid}>> BDC")
        yield
        self.pdf._out("EMC")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        self.pdf._out("/Artifact BMC")
        yield
        self.pdf._out("EMC")


_CONTENT_ROLES = {"H1", "H2", "P", "Lbl", "LBody", "Figure"}
