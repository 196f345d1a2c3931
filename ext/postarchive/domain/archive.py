"""The ``archive`` domain: posts, companies, tags, categories and authors as cross-reference targets.

Entries are glossary-like: each is defined once (on its index page) by the ``archive:entry``
directive, which makes an id, registers the object, and adds an ``index`` node keyed by the
entry's reading so it lands in ``genindex``, ``objects.inv`` and the PDF's 索引. Posts register
themselves when their page is parsed. All state lives in ``self.data`` and merges across
parallel readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, NamedTuple
from urllib.parse import unquote, urlsplit

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from ..model.kinds import ENTRY_TYPES, entry_anchor
from ..model.permalinks import url_key
from ..model.schema import PostMeta
from ..model.yomi import group_order, index_group, sort_key
from ..posts.post import normalize_name

BLOG_PAGE_MARK = "\u2197"  # ↗: the link leaves the archive for the blog's site
BLOG_PAGE_TITLE = "ブログのページ (アーカイブの外)"


class Entry(NamedTuple):
    docname: str
    node_id: str
    name: str  # display name
    reading: str


class PostRecord(NamedTuple):
    docname: str
    title: str
    meta: PostMeta


class ArchiveXRefRole(XRefRole):
    """``{company}`KDDI``` etc.: an ``archive`` reference usable without the domain prefix."""

    def __init__(self, objtype: str) -> None:
        super().__init__(warn_dangling=True)
        self.objtype = objtype

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "archive", self.objtype
        self.classes = ["xref", "archive", f"archive-{self.objtype}"]
        return self.create_xref_node()

    def process_link(
        self, env: BuildEnvironment, refnode: nodes.Element, has_explicit_title: bool, title: str, target: str
    ) -> tuple[str, str]:
        return title, normalize_name(target)


class EntryDirective(SphinxDirective):
    """Define an archive entry: ``:::{archive:entry} company`` with ``:name:`` (URL-quoted)."""

    has_content = False
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged_required,
        "reading": directives.unchanged,
        "extra": directives.unchanged,  # one line shown in the domain index (kind, market, ticker)
    }

    def run(self) -> list[nodes.Node]:
        objtype = self.arguments[0].strip()
        name = normalize_name(unquote(self.options["name"]))
        reading = unquote(self.options.get("reading", "")) or name
        node_id = entry_anchor(objtype, name)
        target = nodes.target("", "", ids=[node_id])
        self.state.document.note_explicit_target(target)
        domain: ArchiveDomain = self.env.get_domain("archive")  # type: ignore[assignment]
        domain.note_entry(objtype, name, reading, node_id, self.get_location())
        if self.options.get("extra"):
            domain.extras[(objtype, name)] = unquote(self.options["extra"])
        label = ENTRY_TYPES.get(objtype, objtype)
        index = addnodes.index(entries=[("single", f"{name}（{label}）", node_id, "main", index_group(reading))])
        return [index, target]


class ArchiveCompanyIndex(Index):
    """企業・組織索引: every company entry grouped by its reading (あ/か/さ…, A–Z), for HTML and LaTeX."""

    name = "companies"
    localname = "企業・組織索引"
    shortname = "企業・組織"

    def generate(self, docnames: Iterable[str] | None = None) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain: ArchiveDomain = self.domain  # type: ignore[assignment]
        wanted = set(docnames) if docnames is not None else None
        content: dict[str, list[tuple[str, IndexEntry]]] = {}
        for (objtype, name), entry in domain.entries.items():
            if objtype != "company" or (wanted is not None and entry.docname not in wanted):
                continue
            extra = domain.extras.get((objtype, name), "")
            item = IndexEntry(entry.name, 0, entry.docname, entry.node_id, extra, "", entry.reading)
            content.setdefault(index_group(entry.reading), []).append((sort_key(entry.reading), item))
        groups = sorted(content, key=group_order)
        result = [
            (group, [item for _, item in sorted(content[group], key=lambda p: (p[0], p[1].name))]) for group in groups
        ]
        return result, False


class ArchiveDomain(Domain):
    name = "archive"
    label = "アーカイブ"
    object_types: ClassVar[dict[str, ObjType]] = {
        "post": ObjType("記事", "post"),
        **{objtype: ObjType(label, objtype) for objtype, label in ENTRY_TYPES.items()},
    }
    roles: ClassVar[dict[str, Any]] = {objtype: ArchiveXRefRole(objtype) for objtype in ["post", *ENTRY_TYPES]}
    directives: ClassVar[dict[str, Any]] = {"entry": EntryDirective}
    indices: ClassVar[list[type[Index]]] = [ArchiveCompanyIndex]
    initial_data: ClassVar[dict[str, Any]] = {"entries": {}, "posts": {}, "extras": {}, "aliases": {}}
    data_version = 3
    dangling_warnings: ClassVar[dict[str, str]] = {
        "post": "リンク先の記事がアーカイブにありません: %(target)s",
        **{objtype: f"{label}の項目がありません: %(target)s" for objtype, label in ENTRY_TYPES.items()},
    }

    @property
    def entries(self) -> dict[tuple[str, str], Entry]:
        return self.data.setdefault("entries", {})

    @property
    def extras(self) -> dict[tuple[str, str], str]:
        """``(objtype, name)`` → the one-line description its index entry shows."""
        return self.data.setdefault("extras", {})

    @property
    def posts(self) -> dict[str, PostRecord]:
        """Post key (the permalink path without slashes) → record."""
        return self.data.setdefault("posts", {})

    @property
    def aliases(self) -> dict[str, str]:
        """Another URL of a post (its file-name date) as a key → the post's docname."""
        return self.data.setdefault("aliases", {})

    def note_entry(self, objtype: str, name: str, reading: str, node_id: str, location: Any = None) -> None:
        key = (objtype, name)
        if key in self.entries and self.entries[key].docname != self.env.docname:
            from sphinx.util import logging

            logging.getLogger(__name__).warning(
                "%s %r is defined twice (also in %s)",
                objtype,
                name,
                self.entries[key].docname,
                location=location,
                type="postarchive",
                subtype="duplicate",
            )
        self.entries[key] = Entry(self.env.docname, node_id, name, reading)

    def note_post_page(self, docname: str, meta: PostMeta) -> None:
        key = docname.removesuffix("/index")
        self.posts[key] = PostRecord(docname, meta.title, meta)
        for alias in meta.aliases:
            self.aliases[url_key(alias)] = docname

    def find_post(self, target: str) -> PostRecord | None:
        """A post by the key of any of its URLs (Jekyll's, or the file-name date's)."""
        key = target.strip("/").removesuffix("/index")
        record = self.posts.get(key)
        if record is None and key in self.aliases:
            record = self.posts.get(self.aliases[key].removesuffix("/index"))
        return record

    def newest_posts(self) -> list[PostRecord]:
        """Every post, newest first (by instant: dates keep their own offsets)."""
        return sorted(self.posts.values(), key=lambda r: (r.meta.timestamp, r.docname), reverse=True)

    def post_meta(self, docname: str) -> PostMeta | None:
        record = self.posts.get(docname.removesuffix("/index"))
        return record.meta if record else None

    def clear_doc(self, docname: str) -> None:
        for entry_key, entry in list(self.entries.items()):
            if entry.docname == docname:
                del self.entries[entry_key]
                self.extras.pop(entry_key, None)
        for post_key, record in list(self.posts.items()):
            if record.docname == docname:
                del self.posts[post_key]
        for alias, owner in list(self.aliases.items()):
            if owner == docname:
                del self.aliases[alias]

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for key, entry in otherdata.get("entries", {}).items():
            if entry.docname in wanted:
                self.entries[key] = entry
                if key in otherdata.get("extras", {}):
                    self.extras[key] = otherdata["extras"][key]
        for key, record in otherdata.get("posts", {}).items():
            if record.docname in wanted:
                self.posts[key] = record
        for alias, owner in otherdata.get("aliases", {}).items():
            if owner in wanted:
                self.aliases[alias] = owner

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.Element | None:
        if typ == "page":
            return site_page_reference(env, builder, fromdocname, target, node, contnode)
        if typ == "post":
            record = self.find_post(target)
            if record is None:
                return None
            if not node.get("refexplicit"):
                contnode = nodes.inline(record.title, record.title, classes=["archive-post"])
            try:
                return make_refnode(builder, fromdocname, record.docname, "", contnode, record.title)
            except NoUri:
                return contnode  # a post outside this PDF volume: its title, without a link
        entry = self.entries.get((typ, normalize_name(target)))
        if entry is None:
            return None
        return make_refnode(builder, fromdocname, entry.docname, entry.node_id, contnode, entry.name)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for objtype in ENTRY_TYPES:  # posts are documents: std:doc already finds them
            ref = self.resolve_xref(env, fromdocname, builder, objtype, target, node, contnode)
            if ref is not None:
                results.append((f"archive:{objtype}", ref))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for key, record in sorted(self.posts.items()):
            yield key, record.title, "post", record.docname, "", 1
        for (objtype, name), entry in sorted(self.entries.items()):
            yield name, entry.name, objtype, entry.docname, entry.node_id, 1


def site_page_reference(
    env: BuildEnvironment, builder: Builder, fromdocname: str, target: str, node: pending_xref, contnode: nodes.Element
) -> nodes.reference:
    """A link from a post to a page of the blog's site that is not a post (``/services/``, ``/contact/``):
    the archive's own page at that path when there is one (``/tags/AI/``), else the page on the blog."""
    path = urlsplit(target).path.strip("/").removesuffix(".html")
    for docname in (path + "/index", path) if path else ():
        if docname in env.all_docs:
            return make_refnode(builder, fromdocname, docname, "", contnode)
    reference = nodes.reference("", "", internal=False, refuri=node.get("blog_url", "") + target)
    reference["classes"] += ["external", "blog-page"]
    reference["reftitle"] = BLOG_PAGE_TITLE
    reference += contnode
    if builder.format == "html":
        reference += nodes.inline(BLOG_PAGE_MARK, BLOG_PAGE_MARK, classes=["blog-page-mark"])
    return reference


def setup_domain(app: Sphinx) -> None:
    app.add_domain(ArchiveDomain)
    for objtype in ["post", *ENTRY_TYPES]:
        app.add_role(objtype, ArchiveXRefRole(objtype))
