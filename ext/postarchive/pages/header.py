"""What a post page shows around its body: date (and updated date), author, category, tags, companies,
the post's own related posts (``related_articles``) and the archive's.

Built as docutils nodes from the page's metadata (never as markup text), so nothing in a title or
tag can become markup; the links are ``archive`` references resolved like any other.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from ..model.schema import PostMeta

HEADER_CLASS = "post-meta"  # the generated header under the title
RELATED_CLASS = "related-posts"  # the generated related-posts section
VOLUME_CLASS = "post-volume"  # the link to the post's PDF volume (pages/volumes.py)
GENERATED_CLASSES = frozenset(
    {HEADER_CLASS, RELATED_CLASS, VOLUME_CLASS}
)  # not the post's own text (search, mentions skip them)


def xref(objtype: str, target: str, text: str | None = None) -> addnodes.pending_xref:
    node = addnodes.pending_xref(
        "", refdomain="archive", reftype=objtype, reftarget=target, refexplicit=text is not None, refwarn=True
    )
    label = text if text is not None else target
    node += nodes.inline(label, label, classes=["xref", "archive", f"archive-{objtype}"])
    return node


def meta_field(label: str, items: list[nodes.Node], classes: str) -> nodes.inline:
    field = nodes.inline("", "", classes=["post-meta-field", classes])
    field += nodes.inline(label, label, classes=["post-meta-label"])
    for index, item in enumerate(items):
        if index:
            field += nodes.Text(" ")
        field += item
    return field


def post_header(meta: PostMeta) -> nodes.container:
    header = nodes.container(classes=[HEADER_CLASS])
    line = nodes.paragraph(classes=["post-meta-line"])
    line += nodes.inline(meta.date_display, meta.date_display, classes=["post-date"])
    if meta.updated_display and meta.updated_display != meta.date_display:
        line += nodes.Text("　")
        updated = f"更新: {meta.updated_display}"
        line += nodes.inline(updated, updated, classes=["post-updated"])
    if meta.author:
        line += nodes.Text("　")
        line += meta_field("著者: ", [xref("author", meta.author)], "post-author")
    for category in meta.categories:
        line += nodes.Text("　")
        line += meta_field("カテゴリ: ", [xref("category", category)], "post-category")
    if meta.reading_time:
        line += nodes.Text(f"　読了目安 {meta.reading_time} 分")
    header += line
    for label, objtype, key, names in (
        ("タグ: ", "tag", "tags", meta.tags),
        ("企業・組織: ", "company", "companies", meta.companies),
        ("製品・サービス: ", "product", "products", meta.products),
    ):
        if names:
            para = nodes.paragraph(classes=[f"post-{key}"])
            para += meta_field(label, [xref(objtype, name) for name in names], f"post-{key}")
            header += para
    return header


OWN_RELATED_TITLE = "関連記事"
# the archive's list below a post that has its own: another title, so the page never shows two 関連記事
GENERATED_RELATED_TITLE = "ほかの関連記事"
# related_articles below a body that ends with its own 関連記事 (the blog never has both; a page shows one 関連記事)
EDITORIAL_AFTER_BODY_TITLE = "編集部のおすすめ"
PILLAR_LABEL = "まとめ記事: "


def link_list(section: nodes.section, items: list[nodes.Node]) -> nodes.section:
    bullets = nodes.bullet_list()
    for node in items:
        item = nodes.list_item()
        para = nodes.paragraph()
        para += node
        item += para
        bullets += item
    section += bullets
    return section


def editorial_section(meta: PostMeta) -> nodes.section | None:
    """The post's own related posts (``pillar_article`` first, then ``related_articles``), linked like body links."""
    if not meta.editorial:
        return None
    section = nodes.section(ids=["post-related-articles"], classes=[RELATED_CLASS, "post-related-articles"])
    title = EDITORIAL_AFTER_BODY_TITLE if meta.body_related else OWN_RELATED_TITLE
    section += nodes.title(title, title)
    items: list[nodes.Node] = []
    for ref in meta.editorial:
        link = xref("post", ref.key, ref.title)
        if ref.pillar:
            label = nodes.inline("", "", classes=["post-pillar"])
            label += nodes.Text(PILLAR_LABEL)
            label += link
            items.append(label)
        else:
            items.append(link)
    return link_list(section, items)


def related_section(meta: PostMeta) -> nodes.section | None:
    """The archive's related posts; titled ほかの関連記事 when the post has its own list (never repeating it)."""
    if not meta.related:
        return None
    section = nodes.section(ids=[RELATED_CLASS], classes=[RELATED_CLASS])
    title = GENERATED_RELATED_TITLE if meta.own_related else OWN_RELATED_TITLE
    section += nodes.title(title, title)
    return link_list(section, [xref("post", docname) for docname in meta.related])


def add_header_and_related(doctree: nodes.document, meta: PostMeta) -> None:
    """The header under the title, the description meta tag, and related posts at the end."""
    sections = [node for node in doctree.children if isinstance(node, nodes.section)]
    if not sections:
        return
    top = sections[0]
    title_index = next((i for i, child in enumerate(top.children) if isinstance(child, nodes.title)), 0)
    top.insert(title_index + 1, post_header(meta))
    if meta.description:
        doctree += nodes.meta("", name="description", content=meta.description)  # type: ignore[attr-defined]
    for section in (editorial_section(meta), related_section(meta)):
        if section is not None:
            top += section
