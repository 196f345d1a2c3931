"""Link the first mention of each company in every section of a post to the company's entry.

A ``doctree-read`` step on post pages: in each section (the page's top section counts for the text
before its first subsection) the first occurrence of each company the post mentions becomes an
``archive:company`` reference. Titles, links, references, literals, code and the generated header
and related-posts parts are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes

from ..model.registry import Registry
from ..pages.header import GENERATED_CLASSES, xref

SKIP = (
    nodes.title,
    nodes.subtitle,
    nodes.section,  # nested sections are visited on their own
    nodes.reference,
    nodes.target,
    nodes.literal,
    nodes.FixedTextElement,  # literal_block, doctest, line blocks of code…
    nodes.raw,
    nodes.image,
    nodes.comment,
    nodes.system_message,
    addnodes.pending_xref,
    addnodes.index,
)
SKIP_CLASSES = GENERATED_CLASSES


def section_texts(section: nodes.Element) -> Iterator[nodes.Text]:
    """Text nodes that belong to ``section`` itself, in document order, outside anything skipped."""
    for child in section.children:
        if isinstance(child, nodes.Text):
            yield child
        elif isinstance(child, SKIP):
            continue
        elif isinstance(child, nodes.Element):
            if SKIP_CLASSES & set(child.get("classes", [])):
                continue
            yield from section_texts(child)


def link_section(section: nodes.Element, registry: Registry, wanted: set[str]) -> int:
    linked: set[str] = set()
    count = 0
    for text in list(section_texts(section)):
        if linked >= wanted:
            break
        source = str(text)
        mentions = [m for m in registry.find_mentions(source) if m.company in wanted]
        pieces: list[nodes.Node] = []
        position = 0
        for mention in mentions:
            if mention.company in linked:
                continue
            linked.add(mention.company)
            if mention.start > position:
                pieces.append(nodes.Text(source[position : mention.start]))
            pieces.append(xref("company", mention.company, source[mention.start : mention.end]))
            position = mention.end
            count += 1
        if not pieces:
            continue
        if position < len(source):
            pieces.append(nodes.Text(source[position:]))
        parent = text.parent
        index = parent.index(text)
        parent.remove(text)
        for offset, piece in enumerate(pieces):
            parent.insert(index + offset, piece)
    return count


def link_first_mentions(doctree: nodes.document, companies: tuple[str, ...], registry: Registry) -> None:
    wanted = set(companies) & set(registry.by_name)
    if not wanted:
        return
    for section in list(doctree.findall(nodes.section)):
        if SKIP_CLASSES & set(section.get("classes", [])):
            continue
        link_section(section, registry, wanted)
