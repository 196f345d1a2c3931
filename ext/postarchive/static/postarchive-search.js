/* postarchive search page (search.html?q=…&sort=date): reads the compact bigram index written by search.py.
 * Normalisation, grams, the shard hash and the file formats mirror the Python side exactly. Untrusted text is
 * only ever set as textContent, never as HTML. Every file comes from the site itself. */
(() => {
  "use strict";
  const root = document.getElementById("pa-search");
  if (!root) return;
  const base = root.dataset.index;
  const siteRoot = root.dataset.root;
  const PAGE = 10; // results per page: each one fetches its post's text (excerpt and phrase check)
  const MAX_GRAMS = 8; // grams fetched per phrase (spread over it): the fetch stays bounded; the text check is exact
  const QUERY_GRAMS = 32; // … and for all the phrases of a query (a company's spellings), at least 3 each
  const CHECKS = 2 * PAGE; // posts whose text is checked before a page shows (a candidate may not hold the phrase)
  const EXCERPT_BEFORE = 50;
  const EXCERPT_AFTER = 110;
  const K1 = 1.2; // BM25
  const B = 0.75;
  const SEGMENT_WEIGHT = 0.6; // a query found only as its separate words ranks below the whole phrase
  const JST = 9 * 3600;
  const FACETS = [
    ["year", "年"],
    ["category", "カテゴリ"],
    ["company", "企業・組織"],
    ["tag", "タグ"],
  ];
  const KIND_LABELS = { company: "企業・組織", tag: "タグ", category: "カテゴリ", author: "著者" };
  const $ = (id) => document.getElementById(id);
  const input = $("pa-search-input");
  const status = $("pa-search-status");
  const list = $("search-results");
  const more = $("pa-search-more");
  const facetBox = $("pa-search-facets");
  const entryList = $("pa-search-entries");
  const sortBox = $("pa-search-sort");

  // --- files: gzip stored; a host that already inflated them (Content-Encoding) is fine too ---------------
  const cache = new Map();
  async function fetchBytes(path) {
    const response = await fetch(base + path);
    if (!response.ok) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const once = (path, parse) => {
    if (!cache.has(path)) cache.set(path, fetchBytes(path).then((bytes) => (bytes ? parse(bytes) : null)));
    return cache.get(path);
  };
  const utf8 = new TextDecoder();
  const loadJson = (path) => once(path, (bytes) => JSON.parse(utf8.decode(bytes)));
  const loadText = (path) => once(path, (bytes) => utf8.decode(bytes));
  const loadShard = (path) => once(path, readShard);
  const loadStats = (path) => once(path, readStats);

  function readVarint(bytes, at) {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at.i++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }
  /** key → postings bytes (search.py shard_files: count, then per key utf8 length, utf8, byte length). */
  function readShard(bytes) {
    const at = { i: 0 };
    const head = [];
    for (let n = readVarint(bytes, at); n > 0; n--) {
      const length = readVarint(bytes, at);
      const key = utf8.decode(bytes.subarray(at.i, at.i + length));
      at.i += length;
      head.push([key, readVarint(bytes, at)]);
    }
    const keys = new Map();
    for (const [key, size] of head) {
      keys.set(key, bytes.subarray(at.i, at.i + size));
      at.i += size;
    }
    return keys;
  }
  /** doc → [tf, mask] (doc delta, tf, mask per post). */
  function decodePostings(bytes) {
    const at = { i: 0 };
    const out = new Map();
    let doc = 0;
    while (at.i < bytes.length) {
      doc += readVarint(bytes, at);
      out.set(doc, [readVarint(bytes, at), readVarint(bytes, at)]);
    }
    return out;
  }
  /** s.bin: per post length, minutes since the epoch, then tag, company and category ids (count first). */
  function readStats(bytes) {
    const at = { i: 0 };
    const docs = [];
    let total = 0;
    while (at.i < bytes.length) {
      const length = readVarint(bytes, at);
      const minutes = readVarint(bytes, at);
      const ids = [0, 1, 2].map(() => {
        const n = readVarint(bytes, at);
        return Array.from({ length: n }, () => readVarint(bytes, at));
      });
      docs.push({ length, time: minutes * 60, ids });
      total += length;
    }
    return { docs, average: total / Math.max(1, docs.length) };
  }

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
    for (let i = 0; i + 1 < cps.length; i++) {
      if (cps[i + 1] === " " && i + 2 < cps.length) out.push(cps[i] + " " + cps[i + 2]);
      else if (cps[i] !== " " && cps[i + 1] !== " ") out.push(cps[i] + cps[i + 1]);
    }
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
  const ENTITY = "\u0000"; // postings key of the posts that name a company
  /** How many segments before a gram's own a phrase of `length` characters may start in (search.py reach). */
  const reach = (length, docLength, segments) => Math.floor((Math.max(0, length - 1) * segments) / Math.max(1, docLength)) + 1;
  /** The segments where a phrase holding a gram may start: the gram's own and up to `back` before it. */
  const spread = (mask, back) => {
    let starts = 0;
    for (let shift = 0; shift <= back; shift++) starts |= mask >>> (1 + shift);
    return starts;
  };
  const spreadOut = (list, limit) =>
    list.length <= limit ? list : Array.from({ length: limit }, (_, k) => list[Math.round((k * (list.length - 1)) / (limit - 1))]);

  // --- the query: terms, company spellings, words of a query typed without spaces ----------------------
  /** spelling (matching form) → entity; companies answer to their name, aliases, reading and ticker. */
  function dictionary(meta) {
    const words = new Map();
    for (const entity of meta.entities) {
      for (const spelling of [...entity[3], ...entity[4]]) if (!words.has(spelling)) words.set(spelling, entity);
    }
    return words;
  }
  /** A clause: the post holds one of `phrases` (or is listed under the company `entity`). */
  function clause(words, phrase) {
    const entity = words.get(phrase);
    const phrases = entity && entity[0] === "company" ? entity[3].filter(Boolean) : [phrase];
    const limit = Math.max(3, Math.min(MAX_GRAMS, Math.floor(QUERY_GRAMS / phrases.length)));
    const keys = new Map(phrases.map((p) => [p, spreadOut([...new Set(grams(p))], limit)]));
    return { phrases, keys, entity: entity && entity[0] === "company" ? entity[1] : null };
  }
  const PARTICLE = /^[\u3041-\u309f]$/u; // a lone の, と between words
  const ONE_SCRIPT = /^(?:[\p{sc=Han}々]{2,}|[\p{sc=Katakana}ー]{2,}|[a-z0-9]{2,})$/u;
  /** 生成AI規制 → [生成ai, 規制]: longest known words from the left, the rest between them as words of their own. */
  function segments(words, term) {
    const cps = Array.from(term);
    const pieces = [];
    let known = 0;
    let rest = "";
    for (let i = 0; i < cps.length; ) {
      let found = 0;
      for (let j = cps.length; j > i + 1; j--) {
        if (words.has(cps.slice(i, j).join(""))) {
          found = j - i;
          break;
        }
      }
      if (found) {
        if (rest) pieces.push(rest);
        rest = "";
        pieces.push(cps.slice(i, i + found).join(""));
        known++;
        i += found;
      } else rest += cps[i++];
    }
    if (rest) pieces.push(rest);
    const kept = pieces.filter((p) => !PARTICLE.test(p));
    // between known words only words of one script (規制, インターネット, gpu): ヒューマノイドaiに本格的 stays whole
    const plain = kept.every((p) => words.has(p) || ONE_SCRIPT.test(p));
    return known && kept.length > 1 && plain ? kept : null;
  }
  /** Per term: options, each a list of clauses that must all hold (the whole term first). */
  function plan(meta, query) {
    const words = dictionary(meta);
    const groups = queryTerms(query).map((term) => {
      const options = [{ clauses: [clause(words, term)], whole: true }];
      const pieces = words.has(term) ? null : segments(words, term);
      if (pieces) options.push({ clauses: pieces.map((p) => clause(words, p)), whole: false });
      return options;
    });
    const whole = searchKey(query);
    const phrase = groups.length > 1 ? clause(new Map(), whole) : null; // NVIDIA H200 together
    return { groups, phrase, whole };
  }

  // --- matching and BM25 -------------------------------------------------------------------------
  /** local doc → {tf, title} for one clause in one tier (candidates: the text check comes later). */
  async function clauseIn(meta, tier, loadingStats, item) {
    const keys = new Set();
    for (const p of item.phrases) for (const g of item.keys.get(p)) keys.add(g);
    if (item.entity) keys.add(ENTITY + item.entity);
    const found = new Map();
    await Promise.all(
      [...keys].map(async (key) => {
        const shard = await loadShard(`${tier.path}/p/${shardOf(key, tier.shards)}.bin`);
        const bytes = shard && shard.get(key);
        found.set(key, bytes ? decodePostings(bytes) : new Map());
      }),
    );
    const stats = await loadingStats; // fetched alongside the shards
    const result = new Map();
    for (const p of item.phrases) {
      const lists = item.keys.get(p).map((g) => found.get(g));
      if (!lists.length || lists.some((m) => !m.size)) continue;
      lists.sort((a, b) => a.size - b.size);
      const length = Array.from(p).length;
      for (const [doc] of lists[0]) {
        const back = reach(length, stats && stats.docs[doc] ? stats.docs[doc].length : 1, meta.segments);
        let tf = Infinity;
        let title = true;
        let where = ~0;
        for (const m of lists) {
          const posting = m.get(doc);
          if (!posting) {
            where = 0;
            break;
          }
          tf = Math.min(tf, posting[0]);
          title = title && (posting[1] & 1) === 1;
          where &= spread(posting[1], back);
        }
        if (!where) continue;
        const hit = result.get(doc) || { tf: new Map(), title: false, named: false };
        hit.tf.set(p, tf);
        hit.title = hit.title || title;
        result.set(doc, hit);
      }
    }
    if (item.entity) {
      for (const [doc] of found.get(ENTITY + item.entity)) {
        const hit = result.get(doc) || { tf: new Map([[item.entity, 1]]), title: false, named: false };
        hit.named = true;
        result.set(doc, hit);
      }
    }
    return result;
  }
  /** global doc → hit, over every tier (a base id that a newer version hides is left out). */
  async function clauseHits(meta, loadingStats, item) {
    const hidden = new Set(meta.hidden);
    const perTier = await Promise.all(
      meta.tiers.map((tier, k) => clauseIn(meta, tier, loadingStats.then((all) => all[k]), item)),
    );
    const result = new Map();
    let offset = 0;
    meta.tiers.forEach((tier, k) => {
      for (const [doc, hit] of perTier[k]) if (!hidden.has(offset + doc)) result.set(offset + doc, hit);
      offset += tier.docs;
    });
    return result;
  }
  const tierOf = (meta, id) => {
    let offset = 0;
    for (const tier of meta.tiers) {
      if (id < offset + tier.docs) return [tier, id - offset];
      offset += tier.docs;
    }
    return [null, -1];
  };

  async function search(meta, query) {
    const { groups, phrase, whole } = plan(meta, query);
    const loadingStats = Promise.all(meta.tiers.map((tier) => loadStats(`${tier.path}/s.bin`)));
    const clauses = [...groups.flatMap((options) => options.flatMap((o) => o.clauses)), ...(phrase ? [phrase] : [])];
    const hits = new Map(await Promise.all(clauses.map(async (c) => [c, await clauseHits(meta, loadingStats, c)])));
    const stats = await loadingStats;
    const statOf = (id) => {
      let offset = 0;
      for (let k = 0; k < meta.tiers.length; k++) {
        if (id < offset + meta.tiers[k].docs) return [stats[k], stats[k] && stats[k].docs[id - offset]];
        offset += meta.tiers[k].docs;
      }
      return [null, null];
    };
    const n = Math.max(1, meta.docs);
    // df per spelling: a short alias whose bigrams are everywhere (meti) weighs little, its company's name much
    const df = new Map();
    for (const [c, found] of hits) {
      const counts = new Map();
      for (const hit of found.values()) for (const p of hit.tf.keys()) counts.set(p, (counts.get(p) || 0) + 1);
      df.set(c, counts);
    }
    const bm25 = (c, doc) => {
      const [tierStats, stat] = statOf(doc);
      const ratio = stat && tierStats ? stat.length / tierStats.average : 1;
      let best = 0;
      for (const [p, tf] of hits.get(c).get(doc).tf) {
        const d = df.get(c).get(p);
        const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
        best = Math.max(best, (idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + B * ratio)));
      }
      return best;
    };
    // candidates: every term matched by one of its options
    let docs = null;
    for (const options of groups) {
      const union = new Set();
      for (const option of options) {
        const [first, ...rest] = option.clauses.map((c) => hits.get(c));
        for (const doc of first.keys()) if (rest.every((m) => m.has(doc))) union.add(doc);
      }
      docs = docs ? new Set([...docs].filter((d) => union.has(d))) : union;
    }
    const list = [];
    for (const doc of docs || []) {
      let score = 0;
      let title = true;
      let exact = true;
      const options = groups.map((choices) => {
        const matched = choices.filter((o) => o.clauses.every((c) => hits.get(c).has(doc)));
        const best = matched[0]; // the whole term when it matched, else its words
        score += best.clauses.reduce((s, c) => s + bm25(c, doc), 0) * (best.whole ? 1 : SEGMENT_WEIGHT);
        title = title && best.clauses.every((c) => hits.get(c).get(doc).title);
        exact = exact && best.whole;
        return matched;
      });
      const together = phrase ? hits.get(phrase).has(doc) : false;
      const [, stat] = statOf(doc);
      const named = new Set(clauses.filter((c) => hits.get(c).get(doc)?.named)); // listed under the company
      list.push({ doc, score, title, exact, together, options, named, time: stat ? stat.time : 0 });
    }
    list.sort(
      (a, b) =>
        b.title - a.title || b.exact - a.exact || b.together - a.together || b.score - a.score || b.time - a.time || a.doc - b.doc,
    );
    // the archive's entries: an exact name or alias first, then names that contain the query
    const entities = [];
    for (const [kind, name, url, spellings, keys] of meta.entities) {
      if (spellings.includes(whole) || keys.includes(whole)) entities.unshift([kind, name, url]);
      else if (whole.length >= 2 && spellings.some((s) => s.includes(whole))) entities.push([kind, name, url]);
    }
    for (const hit of list) {
      const [tierStats, stat] = statOf(hit.doc);
      const [tier] = tierOf(meta, hit.doc);
      const names = (kind, ids) => ids.map((i) => tier.facets[kind][i]);
      const year = stat ? String(new Date((stat.time + JST) * 1000).getUTCFullYear()) : "";
      hit.facets = stat && tierStats ? { year: [year], tag: names("tag", stat.ids[0]), company: names("company", stat.ids[1]), category: names("category", stat.ids[2]) } : { year: [], tag: [], company: [], category: [] };
    }
    return { hits: list, entities: entities.slice(0, 12), groups };
  }

  // --- the text check and the excerpt ------------------------------------------------------------
  /** The post's text, or null when it does not hold the query after all (the index keeps no positions). */
  async function check(meta, hit) {
    const [tier, local] = tierOf(meta, hit.doc);
    const text = tier && (await loadText(`${tier.path}/t/${local}.bin`));
    if (text === null || text === undefined) return null;
    const key = fold(text);
    const marks = [];
    for (const matched of hit.options) {
      const ok = matched.find((option) =>
        option.clauses.every((c) => {
          const present = c.phrases.filter((p) => key.includes(p));
          marks.push(...present);
          return present.length > 0 || hit.named.has(c);
        }),
      );
      if (!ok) return null;
    }
    return { text, key, marks };
  }
  function excerpt(checked) {
    const chars = Array.from(checked.text);
    const key = Array.from(checked.key);
    let start = 0;
    for (const m of checked.marks) {
      const at = indexOfArray(key, Array.from(m));
      if (at >= 0) {
        start = at;
        break;
      }
    }
    const from = Math.max(0, start - EXCERPT_BEFORE);
    const to = Math.min(chars.length, start + EXCERPT_AFTER);
    const window = key.slice(from, to);
    const marked = new Array(window.length).fill(false);
    for (const m of new Set(checked.marks)) {
      const cps = Array.from(m);
      for (let i = indexOfArray(window, cps); i >= 0; i = indexOfArray(window, cps, i + 1)) {
        for (let k = 0; k < cps.length; k++) marked[i + k] = true;
      }
    }
    const p = document.createElement("p");
    p.className = "pa-search-excerpt";
    if (from > 0) p.append("…");
    for (let i = 0; i < window.length; ) {
      let j = i;
      while (j < window.length && marked[j] === marked[i]) j++;
      const piece = chars.slice(from + i, from + j).join("");
      if (marked[i]) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        p.append(mark);
      } else p.append(piece);
      i = j;
    }
    if (to < chars.length) p.append("…");
    return p;
  }
  function indexOfArray(hay, needle, from = 0) {
    if (!needle.length) return -1;
    outer: for (let i = from; i + needle.length <= hay.length; i++) {
      for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
      return i;
    }
    return -1;
  }
  async function row(meta, id) {
    const [tier, local] = tierOf(meta, id);
    const rows = tier && (await loadJson(`${tier.path}/d/${Math.floor(local / meta.docChunk)}.bin`));
    return rows ? rows[local % meta.docChunk] : null;
  }

  // --- page ---------------------------------------------------------------------------------------
  const params = new URLSearchParams(location.search);
  const query = params.get("q") || "";
  const filters = {};
  for (const [kind] of FACETS) if (params.get(kind)) filters[kind] = params.get(kind);
  let order = params.get("sort") === "date" ? "date" : "score";
  input.value = query;

  let meta = null;
  let result = null;
  let current = []; // the ranked candidates under the filters
  let next = 0; // the next candidate to check
  let ready = []; // checked candidates not shown yet
  const rejected = new Set(); // candidates whose text does not hold the query

  function filtered() {
    const hits = result.hits.filter(
      (h) => !rejected.has(h.doc) && Object.entries(filters).every(([kind, value]) => h.facets[kind].includes(value)),
    );
    return order === "date" ? [...hits].sort((a, b) => b.time - a.time || a.doc - b.doc) : hits;
  }

  function syncUrl() {
    const params = new URLSearchParams({ q: query });
    for (const [kind, value] of Object.entries(filters)) params.set(kind, value);
    if (order === "date") params.set("sort", "date");
    history.replaceState(null, "", "?" + params.toString());
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
        button.className = "pa-search-facet-value" + (filters[kind] === value ? " active" : "");
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

  function renderStatus() {
    const active = Object.values(filters).join("・");
    const what = `「${query}」${active ? `（${active}）` : ""}`;
    const exact = next >= current.length; // every candidate's text checked
    const count = current.filter((h) => !rejected.has(h.doc)).length;
    status.textContent = count ? `${what}の検索結果: ${exact ? "" : "約 "}${count} 件` : `${what}に一致する記事はありません`;
    root.dataset.count = String(count);
  }

  /** Check candidates in order until `wanted` posts whose text holds the query wait in `ready` (or none is left). */
  async function checkUntil(wanted, budget = Infinity) {
    for (let spent = 0; ready.length < wanted && next < current.length && spent < budget; ) {
      const batch = current.slice(next, next + Math.min(wanted - ready.length, budget - spent));
      spent += batch.length;
      next += batch.length;
      const checked = await Promise.all(batch.map((hit) => check(meta, hit)));
      batch.forEach((hit, k) => {
        if (checked[k]) ready.push([hit, checked[k]]);
        else rejected.add(hit.doc);
      });
    }
  }

  /** The next page, and one post checked ahead: at most CHECKS texts, unless that leaves the page empty. */
  async function showMore() {
    await checkUntil(PAGE + 1, CHECKS);
    if (!ready.length) await checkUntil(1);
    const page = ready.splice(0, PAGE);
    const items = await Promise.all(
      page.map(async ([hit, checked]) => {
        const [url, title, date] = (await row(meta, hit.doc)) || ["", "", ""];
        const li = document.createElement("li");
        li.className = "pa-search-result";
        li.dataset.url = url;
        const a = document.createElement("a");
        a.href = siteRoot + url;
        a.className = "pa-search-title";
        a.textContent = title;
        const when = document.createElement("span");
        when.className = "pa-search-date";
        when.textContent = date;
        const head = document.createElement("div");
        head.append(a, " ", when);
        li.append(head, excerpt(checked));
        return li;
      }),
    );
    list.append(...items);
    more.hidden = ready.length === 0 && next >= current.length;
    renderStatus();
  }

  async function render() {
    current = filtered();
    next = 0;
    ready = [];
    list.replaceChildren();
    renderFacets();
    renderStatus();
    await showMore();
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    await showMore();
    more.disabled = false;
  });
  sortBox.value = order;
  sortBox.addEventListener("change", () => {
    order = sortBox.value === "date" ? "date" : "score";
    syncUrl();
    if (result) render();
  });

  async function main() {
    if (!queryTerms(query).length) {
      status.textContent = "検索語を入力してください（企業名・製品名・テーマなど）";
      root.dataset.state = "done";
      return;
    }
    status.textContent = "検索しています…";
    const started = performance.now();
    const [index, entities] = await Promise.all([loadJson("meta.json"), loadJson("entities.bin")]);
    meta = { ...index, entities: entities || [] };
    result = await search(meta, query);
    entryList.replaceChildren();
    for (const [kind, name, url] of result.entities) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = siteRoot + url;
      a.textContent = name;
      const label = document.createElement("span");
      label.className = "pa-search-entry-kind";
      label.textContent = KIND_LABELS[kind] || kind;
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
