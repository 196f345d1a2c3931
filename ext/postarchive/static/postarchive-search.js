/* postarchive search page (search.html?q=…): reads the sharded bigram index written by postarchive/search.py.
 * Normalisation, bigram splitting and the shard hash mirror the Python side exactly. Untrusted text is only
 * ever set as textContent, never as HTML. */
(() => {
  "use strict";
  const root = document.getElementById("pa-search");
  if (!root) return;
  const base = root.dataset.index;
  const siteRoot = root.dataset.root;
  const PAGE = 20;
  const EXCERPT_BEFORE = 50;
  const EXCERPT_AFTER = 110;
  const FACETS = [
    ["year", "年"],
    ["category", "カテゴリ"],
    ["company", "企業・組織"],
    ["tag", "タグ"],
  ];
  const $ = (id) => document.getElementById(id);
  const input = $("pa-search-input");
  const status = $("pa-search-status");
  const list = $("search-results");
  const more = $("pa-search-more");
  const facetBox = $("pa-search-facets");
  const entryList = $("pa-search-entries");

  const cache = new Map();
  const load = (path) => {
    if (!cache.has(path)) {
      cache.set(
        path,
        fetch(base + path).then((r) => (r.ok ? (path.endsWith(".txt") ? r.text() : r.json()) : null)),
      );
    }
    return cache.get(path);
  };

  // --- the same rules as search.py ----------------------------------------------------------------
  const normalize = (s) => s.normalize("NFKC").replace(/\s+/gu, " ").trim();
  const fold = (s) =>
    Array.from(s, (ch) => {
      const low = ch.toLowerCase();
      return Array.from(low).length === 1 ? low : ch;
    }).join("");
  const searchKey = (s) => fold(normalize(s));
  const queryTerms = (q) => searchKey(q).split(" ").filter(Boolean);
  const grams = (term) => {
    const cps = Array.from(term);
    if (cps.length <= 1) return cps;
    const out = [];
    for (let i = 0; i + 1 < cps.length; i++) out.push(cps[i] + cps[i + 1]);
    return out;
  };
  const shardOf = (gram, shards) => {
    let h = 0x811c9dc5;
    for (const ch of gram) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  };
  const decode = (gram, enc) => {
    const unigram = Array.from(gram).length === 1;
    const out = new Map();
    let doc = 0;
    let i = 0;
    while (i < enc.length) {
      doc += enc[i++];
      if (unigram) {
        out.set(doc, []);
        continue;
      }
      const count = enc[i++];
      const positions = new Array(count);
      let p = 0;
      for (let k = 0; k < count; k++) {
        p += enc[i + k];
        positions[k] = p;
      }
      i += count;
      out.set(doc, positions);
    }
    return out;
  };

  // --- tiers: the base (b-…) and a small delta (d-…) of what changed since the base was built ---------
  // A post's global id is its id in its tier plus the sizes of the tiers before it; `meta.hidden` lists
  // base ids whose post changed (its new version is in the delta) or left the archive.
  const tierOf = (meta, id) => {
    let offset = 0;
    for (const tier of meta.tiers) {
      if (id < offset + tier.docs) return [tier, id - offset];
      offset += tier.docs;
    }
    return [null, -1];
  };

  /** local doc id → start positions of the exact term in one tier (empty array: a one-character term). */
  async function matchTermIn(tier, term) {
    const keys = grams(term);
    const unique = [...new Set(keys)];
    const shards = await Promise.all(unique.map((g) => load(`${tier.path}/p/${shardOf(g, tier.shards)}.json`)));
    const byGram = new Map();
    for (let k = 0; k < unique.length; k++) {
      const enc = shards[k] && shards[k][unique[k]];
      if (!enc) return new Map();
      byGram.set(unique[k], decode(unique[k], enc));
    }
    if (keys.length === 1) return byGram.get(keys[0]);
    // rarest first
    const order = [...byGram.values()].sort((a, b) => a.size - b.size);
    const result = new Map();
    for (const doc of order[0].keys()) {
      if (!order.every((m) => m.has(doc))) continue;
      const rest = keys.slice(1).map((g) => new Set(byGram.get(g).get(doc)));
      const starts = byGram.get(keys[0]).get(doc).filter((s) => rest.every((set, off) => set.has(s + off + 1)));
      if (starts.length) result.set(doc, starts);
    }
    return result;
  }

  /** global doc id → start positions of the exact term, over every tier. */
  async function matchTerm(meta, term) {
    const hidden = new Set(meta.hidden);
    const perTier = await Promise.all(meta.tiers.map((tier) => matchTermIn(tier, term)));
    const result = new Map();
    let offset = 0;
    meta.tiers.forEach((tier, k) => {
      for (const [doc, starts] of perTier[k]) if (!hidden.has(offset + doc)) result.set(offset + doc, starts);
      offset += tier.docs;
    });
    return result;
  }

  /** global doc id → [url, title, date, year, tags, companies, categories, titleLength, time], names resolved. */
  async function docRows(meta, ids) {
    const wanted = new Map();
    for (const id of ids) {
      const [tier, local] = tierOf(meta, id);
      if (!tier) continue;
      const path = `${tier.path}/d/${Math.floor(local / meta.docChunk)}.json`;
      if (!wanted.has(path)) wanted.set(path, []);
      wanted.get(path).push([id, tier, local % meta.docChunk]);
    }
    const paths = [...wanted.keys()];
    const loaded = await Promise.all(paths.map((path) => load(path)));
    const rows = new Map();
    paths.forEach((path, k) => {
      for (const [id, tier, at] of wanted.get(path)) {
        const row = loaded[k] && loaded[k][at];
        if (!row) continue;
        const [url, title, date, year, tags, companies, categories, titleLength, time] = row;
        const names = (kind, list) => list.map((i) => tier.facets[kind][i]);
        rows.set(id, [url, title, date, year, names("tag", tags), names("company", companies), names("category", categories), titleLength, time]);
      }
    });
    return rows;
  }

  async function search(meta, query) {
    const terms = queryTerms(query);
    const whole = searchKey(query);
    if (!terms.length) return { terms, hits: [], entities: [] };
    const maps = await Promise.all(terms.map((t) => matchTerm(meta, t)));
    maps.sort((a, b) => a.size - b.size);
    const hits = new Map();
    for (const [doc, starts] of maps[0]) {
      if (maps.every((m) => m.has(doc))) {
        const count = maps.reduce((n, m) => n + Math.max(1, m.get(doc).length), 0);
        hits.set(doc, { doc, start: starts.length ? starts[0] : -1, count, alias: "" });
      }
    }
    // the archive's entries: an exact name or alias of a company adds the posts that name the company
    const entities = [];
    for (const [kind, name, url, spellings, docs] of meta.entities) {
      if (spellings.includes(whole)) {
        entities.unshift([kind, name, url]);
        for (const doc of docs) if (!hits.has(doc)) hits.set(doc, { doc, start: -1, count: 0, alias: name });
      } else if (whole.length >= 2 && spellings.some((s) => s.includes(whole))) {
        entities.push([kind, name, url]);
      }
    }
    const rows = await docRows(meta, [...hits.keys()]);
    const list = [];
    for (const hit of hits.values()) {
      const row = rows.get(hit.doc);
      if (!row) continue;
      const [url, title, date, year, tags, companies, categories, , time] = row;
      const titleKey = searchKey(title);
      const inTitle = terms.every((t) => titleKey.includes(t));
      list.push({
        ...hit,
        url,
        title,
        date,
        time,
        facets: { year: [year], tag: tags, company: companies, category: categories },
        score: (inTitle ? 1e6 : 0) + (hit.alias ? 0 : 1e3) + Math.min(hit.count, 999),
      });
    }
    list.sort((a, b) => b.score - a.score || b.time - a.time || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    return { terms, hits: list, entities: entities.slice(0, 12) };
  }

  // --- excerpts -----------------------------------------------------------------------------------
  async function excerpt(meta, hit, marks) {
    let start = hit.start;
    let chunk = start >= 0 ? Math.floor(Math.max(0, start - EXCERPT_BEFORE) / meta.textChunk) : 0;
    const [tier, local] = tierOf(meta, hit.doc);
    let text = Array.from((tier && (await load(`${tier.path}/t/${local}-${chunk}.txt`))) || "");
    let offset = chunk * meta.textChunk;
    if (start < 0) {
      // one-character term or a post found through a company alias: first occurrence in the first chunk
      const key = Array.from(fold(text.join("")));
      start = offset;
      for (const m of marks) {
        const at = indexOfArray(key, Array.from(m));
        if (at >= 0) {
          start = offset + at;
          break;
        }
      }
    }
    const from = Math.max(0, start - offset - EXCERPT_BEFORE);
    const to = Math.min(text.length, start - offset + EXCERPT_AFTER);
    const window = text.slice(from, to);
    const key = Array.from(fold(window.join("")));
    const marked = new Array(window.length).fill(false);
    for (const m of marks) {
      const cps = Array.from(m);
      if (!cps.length) continue;
      for (let i = indexOfArray(key, cps); i >= 0; i = indexOfArray(key, cps, i + 1)) {
        for (let k = 0; k < cps.length; k++) marked[i + k] = true;
      }
    }
    const p = document.createElement("p");
    p.className = "pa-search-excerpt";
    if (from > 0 || offset > 0) p.append("…");
    let i = 0;
    while (i < window.length) {
      let j = i;
      while (j < window.length && marked[j] === marked[i]) j++;
      const piece = window.slice(i, j).join("");
      if (marked[i]) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        p.append(mark);
      } else p.append(piece);
      i = j;
    }
    if (to < text.length) p.append("…");
    return p;
  }
  function indexOfArray(hay, needle, from = 0) {
    outer: for (let i = from; i + needle.length <= hay.length; i++) {
      for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
      return i;
    }
    return -1;
  }

  // --- page ---------------------------------------------------------------------------------------
  const params = new URLSearchParams(location.search);
  const query = params.get("q") || "";
  const filters = {};
  for (const [kind] of FACETS) if (params.get(kind)) filters[kind] = params.get(kind);
  input.value = query;

  let shown = 0;
  let current = [];
  let meta = null;
  let result = null;

  function filtered() {
    return result.hits.filter((h) => Object.entries(filters).every(([kind, value]) => h.facets[kind].includes(value)));
  }

  function syncUrl() {
    const next = new URLSearchParams({ q: query });
    for (const [kind, value] of Object.entries(filters)) next.set(kind, value);
    history.replaceState(null, "", "?" + next.toString());
  }

  function renderFacets() {
    facetBox.replaceChildren();
    for (const [kind, label] of FACETS) {
      const counts = new Map();
      for (const h of current) for (const v of new Set(h.facets[kind])) if (v) counts.set(v, (counts.get(v) || 0) + 1);
      if (!counts.size && !filters[kind]) continue;
      const group = document.createElement("div");
      group.className = "pa-search-facet";
      group.dataset.facet = kind;
      const title = document.createElement("span");
      title.className = "pa-search-facet-label";
      title.textContent = label;
      group.append(title);
      const values = [...counts.entries()].sort((a, b) =>
        kind === "year" ? b[0].localeCompare(a[0]) : b[1] - a[1] || a[0].localeCompare(b[0]),
      );
      for (const [value, count] of values.slice(0, 15)) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm pa-search-facet-value" + (filters[kind] === value ? " active" : "");
        button.dataset.value = value;
        button.setAttribute("aria-pressed", String(filters[kind] === value));
        button.textContent = `${value} (${count})`;
        button.addEventListener("click", () => {
          if (filters[kind] === value) delete filters[kind];
          else filters[kind] = value;
          syncUrl();
          render();
        });
        group.append(button);
      }
      facetBox.append(group);
    }
  }

  async function showMore() {
    const page = current.slice(shown, shown + PAGE);
    shown += page.length;
    more.hidden = shown >= current.length;
    const marks = [...result.terms];
    const items = await Promise.all(
      page.map(async (hit) => {
        const li = document.createElement("li");
        li.className = "pa-search-result";
        li.dataset.url = hit.url;
        const a = document.createElement("a");
        a.href = siteRoot + hit.url;
        a.className = "pa-search-title";
        a.textContent = hit.title;
        const date = document.createElement("span");
        date.className = "pa-search-date";
        date.textContent = hit.date;
        const head = document.createElement("div");
        head.append(a, " ", date);
        li.append(head);
        if (hit.alias) {
          const note = document.createElement("span");
          note.className = "pa-search-alias";
          note.textContent = `${hit.alias} の記事`;
          head.append(" ", note);
        }
        const spellings = hit.alias ? (meta.entities.find((e) => e[1] === hit.alias) || [, , , []])[3] : [];
        li.append(await excerpt(meta, hit, [...marks, ...spellings]));
        return li;
      }),
    );
    list.append(...items);
  }

  async function render() {
    current = filtered();
    shown = 0;
    list.replaceChildren();
    renderFacets();
    const active = Object.entries(filters)
      .map(([, v]) => v)
      .join("・");
    status.textContent = current.length
      ? `「${query}」${active ? `（${active}）` : ""}の検索結果: ${current.length} 件`
      : `「${query}」${active ? `（${active}）` : ""}に一致する記事はありません`;
    root.dataset.count = String(current.length);
    await showMore();
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    await showMore();
    more.disabled = false;
  });

  async function main() {
    if (!queryTerms(query).length) {
      status.textContent = "検索語を入力してください（企業名・製品名・テーマなど）";
      root.dataset.state = "done";
      return;
    }
    status.textContent = "検索しています…";
    const started = performance.now();
    meta = await load("meta.json");
    result = await search(meta, query);
    entryList.replaceChildren();
    for (const [kind, name, url] of result.entities) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = siteRoot + url;
      a.textContent = name;
      const label = document.createElement("span");
      label.className = "pa-search-entry-kind";
      label.textContent = { company: "企業・組織", tag: "タグ", category: "カテゴリ", author: "著者" }[kind] || kind;
      li.append(label, " ", a);
      entryList.append(li);
    }
    await render();
    root.dataset.ms = String(Math.round(performance.now())); // since navigation start
    root.dataset.searchMs = String(Math.round(performance.now() - started)); // index fetch → results shown
    root.dataset.state = "done";
  }
  main().catch((error) => {
    status.textContent = "検索できませんでした: " + error;
    root.dataset.state = "error";
  });
})();
