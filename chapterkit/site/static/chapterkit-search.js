// MLOps Path: the book's search (chapterkit/site/search.py builds the Pagefind index at the end of the book build).
// One dialog, opened by the search box or Ctrl+K / ⌘K; results as you type; Pagefind's JS API is loaded on the
// first search only, so pages stay light. The search page (search.html?q=...) uses the same code.
// Nothing the reader types is inserted as HTML: results are built as DOM nodes, and Pagefind's excerpts
// (escaped text plus <mark> tags) are split into text nodes and <mark> elements, never parsed as HTML.
(() => {
  "use strict";
  const ROOT = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
  const MAC = /^(Mac|iPhone|iPad)/.test(navigator.platform || "");
  const MAX_PAGES = 8;
  const MAX_SECTIONS = 3;
  const CANDIDATES = 12; // the pages Pagefind ranks first, which find() ranks again (see pageRank)
  const SERVE_HINT = "Search needs the book to be served over http, not opened as a file. " +
    "In the repository, run “make serve” and open http://127.0.0.1:8000/.";
  // The page title is also the page's h1, which the index already weighs 7: counting it again as metadata
  // would rank a notebook titled after a concept above the chapter section that explains it.
  const RANKING = { metaWeights: { title: 0 }, termFrequency: 0.3 };
  const WORDS_URL = "_static/chapterkit-search-words.json";
  const VOCABULARY_URL = "_static/chapterkit-search-vocabulary.json";
  let pagefind = null;
  let vocabulary = null;

  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", ROOT).href).then(async (pf) => {
        // No web worker: it is a second copy of Pagefind's script (41 KB) for an index this small.
        await pf.options({ baseUrl: ROOT.pathname, ranking: RANKING, noWorker: true });
        await pf.init();
        return pf;
      });
      pagefind.catch(() => { pagefind = null; });
    }
    return pagefind;
  }

  // The book's words (chapterkit/site/search.py writes them at build time): aliases, [learner's words, the
  // book's term], from the index's "see" entries and search-aliases.yml; the glossary's terms, each with the
  // page its "See ..." points to and its names; and, fetched only for a word no page holds, the words of the
  // book's terms and headings, which a misspelt word is corrected to.
  const getJson = (url) => fetch(new URL(url, ROOT)).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = getJson(WORDS_URL).then(({ aliases = [], pages = [], terms = [] }) => {
        const table = new Map([...terms.flatMap(([, first, ...names]) => [first, ...names]
          .map((name) => [phraseKey(name), [first, false]])),
        ...aliases.map(([from, to]) => [phraseKey(from), [to, true]])]);
        const longest = Math.max(0, ...[...table.keys()].map((k) => k.split(" ").length));
        const homes = new Map(terms.filter(([page]) => pages[page]).flatMap(([page, ...names]) =>
          names.map((name) => [phraseKey(name), new URL(pages[page], ROOT).pathname])));
        let spelling = null;
        const words = () => (spelling = spelling || getJson(VOCABULARY_URL).then(({ words: list = [] }) =>
          ({ list, known: new Set(list) })));
        return { table, longest, homes, words };
      });
    }
    return vocabulary;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    node.append(...children);
    return node;
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] === "#") {
        const code = name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  }

  // Pagefind's excerpt is the page's text with HTML escaped, and <mark>...</mark> around the matched words.
  function excerptNodes(excerpt) {
    const nodes = [];
    let marked = false;
    for (const part of String(excerpt || "").split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") marked = true;
      else if (part === "</mark>") marked = false;
      else if (part) {
        const text = decodeEntities(part);
        nodes.push(marked ? el("mark", {}, text) : document.createTextNode(text));
      }
    }
    return nodes;
  }

  // Words a learner types in a question ("why do feedback loops hide") that say nothing about the concept.
  // They are dropped when the query has other words; Pagefind would otherwise ask every page for them too.
  // "X vs Y" and "X versus Y" search X and Y: a page that compares them need not write "versus".
  const QUESTION_WORDS = new Set(("why how what when which who where whose do does did is are was were be been " +
    "the a an of to in on for and or with my i we you it its can could should would will there that this these " +
    "those from by at as me us our your about into than then so if over vs versus").split(" "));

  function searchTerms(query) {
    const words = query.trim().split(/\s+/).filter(Boolean);
    const kept = words.filter((w) => !QUESTION_WORDS.has(w.toLowerCase().replace(/[?!.,;:]+$/, "")));
    return (kept.length ? kept : words).join(" ").replace(/[?!]+/g, "");
  }

  // Hyphen, slash and space between words match each other: "training-serving" and "training/serving" are
  // searched as "training serving" (Pagefind indexes each part of such a word too). One-letter parts ("A/B",
  // "ε-features") stay joined.
  const normalize = (text) => String(text || "").replace(/[\u2010-\u2014]/g, "-")
    .replace(/(\p{L}{2,})[-/](?=\p{L}{2,})/gu, "$1 ").replace(/\s+/g, " ").trim();
  // A word as an alias key: lower case, letters, digits and "/", without a plural "s".
  const wordKey = (w) => w.toLowerCase().replace(/[^\p{L}\p{N}/]+/gu, "").replace(/^(.{3,}[^s])s$/u, "$1");
  const phraseKey = (text) => normalize(text).split(" ").map(wordKey).filter(Boolean).join(" ");

  // The query with each learner's word or phrase, or other name of a glossary term, replaced by the book's term
  // (longest first), or null; `first` if a learner's word was replaced (its term is searched before the words);
  // `said`, the query with the term as the book writes it.
  function expand(text, { table, longest }) {
    const words = text.split(" ").filter(Boolean);
    const out = [];
    const said = [];
    let first = false;
    for (let i = 0; i < words.length;) {
      let n = Math.min(longest, words.length - i);
      while (n > 0 && !table.has(words.slice(i, i + n).map(wordKey).join(" "))) n--;
      if (n) {
        const [to, learners] = table.get(words.slice(i, i + n).map(wordKey).join(" "));
        out.push(normalize(to));
        said.push(to);
        first = first || learners;
        i += n;
      } else {
        said.push(words[i]);
        out.push(words[i++]);
      }
    }
    const result = out.join(" ");
    return phraseKey(result) !== phraseKey(text) ? { text: result, first, said: searchTerms(said.join(" ")) } : null;
  }

  // A word as compared for coverage: lower case, letters and digits only, its first 4 characters.
  const stem = (word) => word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "").slice(0, 4);
  const rawStems = (text) => String(text || "").split(/[\s/-]+/).map(stem).filter(Boolean);
  const stems = (text) => rawStems(text).filter((w) => !QUESTION_WORDS.has(w));

  // Weights the build gives (chapterkit/site/search.py; tests/test_search.py checks that they agree): a block that
  // holds a concept's main index entry weighs DEFINES; recap sections (takeaways, questions, Checks) weigh
  // RECAP or less.
  const DEFINES = 2.2;
  // How much a glossary term's own page (its "See ...") counts, for a query that is the term.
  const HOME = 2;
  const RECAP = 0.4;
  // Pagefind stores a weight in steps of 1/24 (2.2 comes back as 2.1667, 0.4 as 0.375): compare within a step.
  const STEP = 1 / 24;
  const isDefining = (loc) => Math.abs(loc.weight - DEFINES) < STEP;

  // True if the query's words follow one another in the page's words from position `at` (the parts of a
  // "training/serving" count as words).
  function phraseAt(words, at, terms) {
    const seq = [];
    for (let j = at; j >= 0 && j < words.length && seq.length < terms.length; j++) seq.push(...rawStems(words[j]));
    return seq.length >= terms.length && terms.every((t, k) => seq[k] === t);
  }
  // True if one of the locations `locs` (matched words) is inside the typed query, word for word, in `words`.
  const typedAt = (words, locs, typed) => typed.length > 0 &&
    locs.some((loc) => typed.some((_, k) => phraseAt(words, loc.location - k, typed)));

  // The sections of a page that match, best first (the first is where the result links): one whose explaining
  // text has the query word for word, as typed (a title such as "What's your ML Test Score?"); then the one whose
  // explaining text (not a recap) holds the most of the query's words; then one that has them as a phrase; then
  // the one whose heading names most of them, and little else ("Types of X" names X and nothing else); then the
  // one whose matches weigh most.
  function bestSections(data, terms, typed = []) {
    const words = String(data.content || "").split(/\s+/);
    const ranked = (data.sub_results || []).map((sub, order) => {
      const explaining = (sub.weighted_locations || []).filter((loc) => loc.weight > RECAP + STEP);
      const found = new Set(explaining.flatMap((loc) => rawStems(words[loc.location])));
      const heading = stems(String(sub.title || "").replace(/\b(?:types|kinds) of\b/gi, ""));
      const named = terms.filter((t) => heading.includes(t)).length;
      return {
        sub, order, named, specific: heading.length ? named / heading.length : 0,
        covered: terms.filter((t) => found.has(t)).length,
        phrase: terms.length > 1 && explaining.some((loc) => phraseAt(words, loc.location, terms)) ? 1 : 0,
        verbatim: typedAt(words, explaining.filter((loc) => loc.weight > DEFINES - STEP), typed) ? 1 : 0,
        score: (sub.weighted_locations || []).reduce((sum, loc) => sum + (loc.balanced_score || 0), 0),
      };
    });
    ranked.sort((a, b) => b.verbatim - a.verbatim || b.covered - a.covered || b.phrase - a.phrase ||
      b.named - a.named || b.specific - a.specific || b.score - a.score || a.order - b.order);
    return ranked.slice(0, MAX_SECTIONS).map((s) => s.sub);
  }

  // True if the query's words (two or more) follow one another in `seq` (stems, question words left out).
  function hasPhrase(seq, terms) {
    if (terms.length < 2) return false;
    for (let i = 0; i + terms.length <= seq.length; i++) {
      if (terms.every((t, k) => seq[i + k] === t)) return true;
    }
    return false;
  }

  // Pagefind ranks each page by its weighted words relative to the page's length, so a weight that a whole page
  // carries cancels out; the build therefore also records it as the page's "rank" (chapterkit/site/search.py), and it
  // is applied here, with a boost for a page that has the query as a phrase (in a heading, more).
  function pageRank(result, data, terms, typed = [], home = null) {
    const rank = Number.parseFloat(data.meta && data.meta.rank);
    const weight = Number.isFinite(rank) ? rank : 1;
    const headings = (data.sub_results || []).map((sub) => stems(sub.title || ""));
    const content = stems(String(data.content || ""));
    // A section headed exactly what the reader typed (after a label such as "Monitor 5:") is the strongest sign:
    // twice a phrase in a heading, so that it outranks a page whose title merely holds the words.
    const exact = terms.length && (data.sub_results || []).some((sub) => sameWords(sub.title, terms));
    // A defining block that has the query word for word, question words and all (a title such as "What's your
    // ML Test Score?"), is nearly as strong.
    const words = String(data.content || "").split(/\s+/);
    const definingLocs = (data.weighted_locations || []).filter((loc) => isDefining(loc));
    const verbatim = typedAt(words, definingLocs, typed);
    // A heading that holds every word of the query, in any order ("Learned features versus engineered features"
    // for "learned vs engineered features"), is a strong sign too, below one that holds them as a phrase.
    const phrase = exact ? 4 : verbatim ? 3 : headings.some((h) => hasPhrase(h, terms)) ? 2
      : headings.some((h) => holdsAll(h, terms)) ? 1.75 : hasPhrase(content, terms) ? 1.5 : 1;
    // A page named exactly what the reader typed ("glossary", "feedback loops") is the page they want; one whose
    // title holds all the words in that order ("ML anti-patterns" for "ML-System Anti-Patterns"), nearly so.
    const title = stems((data.meta && data.meta.title) || "");
    const named = terms.length && sameWords((data.meta && data.meta.title) || "", terms) ? 2.5
      : terms.length > 1 && inOrder(title, terms) ? 1.5 : holdsAll(title, terms) ? 1.25 : 1;
    // No boost for a page merely because a defining block holds the query's words: tried with the weights as
    // Pagefind returns them, it ranked pages that define a neighbouring concept first (93% first-result hits
    // against 96%). Defining blocks count through their weight and in `verbatim` above; the glossary's own
    // pointer, when the query is a glossary term, through `home`.
    // The page that the glossary says explains the term the reader typed ranks first.
    const defines = home && new URL(data.url, location.href).pathname === home ? HOME : 1;
    // How well the page matches, coarsely (has the query as a phrase or not, defines it or not), and whether it
    // matches outside its recaps: what restatersBelowExplainers compares.
    const explains = (data.weighted_locations || []).some((loc) => loc.weight > RECAP + STEP);
    return { rank: result.score * weight * phrase * named * defines, match: (phrase > 1 ? 2 : 1) * defines,
      explains, weight };
  }

  // True if `text`, without a leading label ("Monitor 5:", "Part 1:"), has exactly the query's words.
  // A page title's main title, before a subtitle ("The ML Test Score: A Rubric for ..."), counts too.
  const sameWords = (text, terms) => [String(text || ""), String(text || "").replace(/^\p{L}+ \d+:\s*/u, ""),
    String(text || "").split(/:\s/)[0]].some((t) => stems(t).join(" ") === terms.join(" "));

  // True if all of the query's words (two or more) appear in `seq`, in any order.
  const holdsAll = (seq, terms) => terms.length > 1 && terms.every((t) => seq.includes(t));

  // True if all of the query's words appear in `seq` in the query's order (other words between them allowed).
  function inOrder(seq, terms) {
    let at = 0;
    for (const word of seq) if (word === terms[at]) at++;
    return at === terms.length;
  }

  // A page that restates or demonstrates what a chapter explains (a notebook, the glossary, a crosswalk: its
  // weight is below 1) never ranks above a chapter page that matches the query at least as well: its rank is
  // held just below that page's.
  function restatersBelowExplainers(found) {
    for (const item of found) {
      if (item.weight >= 1) continue;
      for (const other of found) {
        if (other.weight >= 1 && other.explains && other.match >= item.match && other.rank <= item.rank) {
          item.rank = other.rank * 0.99;
        }
      }
    }
  }

  // The pages that match `text` (question words left out), best first, each with its data and the query's words.
  // With `seen` (ids of pages already found), only pages not seen, as many as `limit` still allows.
  async function ranked(pf, text, asTyped, limit, home = null, seen = null) {
    const terms = [...new Set(stems(text))];
    // The query word for word, question words kept, when they were left out of `terms` and it has 3 words or more.
    const all = rawStems(asTyped);
    const typed = all.length >= 3 && all.length > terms.length ? all : [];
    const search = await pf.search(text);
    const candidates = seen ? search.results.filter((r) => !seen.has(r.id)).slice(0, Math.max(0, limit - seen.size))
      : search.results.slice(0, Math.max(limit, CANDIDATES));
    const found = await Promise.all(candidates.map(async (result, order) => {
      const data = await result.data();
      return { id: result.id, data, order, terms, typed, ...pageRank(result, data, terms, typed, home) };
    }));
    restatersBelowExplainers(found);
    return found.sort((a, b) => b.rank - a.rank || a.order - b.order);
  }

  // A word as the pages write it: lower case, letters, digits, "/" and "-".
  const plain = (w) => String(w || "").toLowerCase().replace(/[^\p{L}\p{N}/-]+/gu, "");
  // The words Pagefind matched on these pages (the words at their matched locations, and their parts).
  function matchedWords(pages) {
    const out = new Set();
    for (const data of pages) {
      const words = String(data.content || "").split(/\s+/);
      for (const at of data.locations || []) {
        for (const part of plain(words[at]).split(/[/-]+/)) if (part) out.add(part.replace(/y/g, "i"));
      }
    }
    return out;
  }
  const SUFFIX = /(?:ations?|ments?|ings?|ness|ions?|ies|ed|es|s|ly)$/;
  // True if `word` is one of the book's words, or Pagefind matched it, its ending aside ("drifts": "drift",
  // "canarying": "canaried"). Pagefind quietly skips a word that no page has, or matches a shorter word for it
  // ("monitring" finds "Mon", "xyzzy" finds "x"): what it matched then shares too short a start with the word.
  function holds(matched, word, known = new Set()) {
    const w = plain(word);
    if (!w || known.has(w)) return true;
    const full = w.replace(/y/g, "i");
    const need = Math.max(Math.min(w.length, 3), (w.length > 4 ? w.replace(SUFFIX, "") : w).length - 1);
    for (const m of matched) {
      let k = 0;
      while (k < full.length && m[k] === full[k]) k++;
      if (k >= need) return true;
    }
    return false;
  }

  // The edit distance of two words (insertions, deletions, substitutions, swaps of neighbours).
  function distance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  // The book's word nearest to a misspelt one (one edit for 5-6 letters, two from 7), or null.
  function nearest(word, words) {
    const w = plain(word);
    const most = w.length < 5 ? 0 : w.length < 7 ? 1 : 2;
    let best = null;
    let bestDistance = most + 1;
    for (const candidate of words) {
      if (Math.abs(candidate.length - w.length) >= bestDistance) continue;
      const d = distance(w, candidate);
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    return best;
  }

  // The search itself, for the dialog, the search page and the tests: `results` are pages best first, each with
  // its title, URL (of its best section) and its best sections (title, URL, excerpt markup from Pagefind).
  // No dead end: a learner's word is searched as the book's term (`term`); a word no page holds is corrected to
  // the book's nearest word or left out (`missing`), and if no page holds all the words, the most common are left
  // out until one does (`together`); `shown` is then what was searched.
  async function search(query, limit = MAX_PAGES) {
    const [pf, vocab] = await Promise.all([loadPagefind(), loadVocabulary()]);
    const asTyped = normalize(query);
    const literal = searchTerms(asTyped);
    // A learner's word is searched as the book's term first, then as typed; another name of a glossary term
    // is searched as typed first, then as the term's first name.
    const alias = expand(asTyped, vocab);
    const term = alias && alias.first ? searchTerms(alias.text) : null;
    let shown = term || literal;
    const home = vocab.homes.get(phraseKey(literal)) || (alias && vocab.homes.get(phraseKey(searchTerms(alias.text))));
    let found = await ranked(pf, shown, term ? alias.text : asTyped, limit, home);
    if (alias) {
      const [more, typed] = term ? [literal, asTyped] : [searchTerms(alias.text), alias.text];
      found = found.concat(await ranked(pf, more, typed, limit, home, new Set(found.map((f) => f.id))));
    }
    const matched = matchedWords(found.map((f) => f.data));
    const missing = [];
    const kept = [];
    for (const word of shown.split(" ").filter(Boolean)) {
      let held = holds(matched, word);
      if (!held && !found.length) { // no page has all the words: does one have this one?
        const alone = (await pf.search(word)).results[0];
        held = !!alone && holds(matchedWords([await alone.data()]), word);
      }
      const spelling = held ? null : await vocab.words();
      if (held || holds(matched, word, spelling.known)) kept.push(word);
      else {
        missing.push(word);
        const near = nearest(word, spelling.list);
        if (near) kept.push(near);
      }
    }
    let together = false;
    if (!kept.length) found = []; // what Pagefind found was a shorter word ("x" for "xyzzy")
    else if (missing.length) {
      const again = expand(kept.join(" "), vocab);
      shown = again ? searchTerms(again.text) : kept.join(" ");
      found = await ranked(pf, shown, again ? again.text : shown, limit, vocab.homes.get(phraseKey(shown)));
    }
    if (!found.length && kept.length > 1) { // each word is somewhere, never all together
      const pages = new Map(await Promise.all(kept.map(async (w) => [w, (await pf.search(w)).results.length])));
      let rest = [...new Set(kept)];
      while (!found.length && rest.length > 1) {
        const common = rest.reduce((a, b) => (pages.get(b) > pages.get(a) ? b : a));
        rest = rest.filter((w) => w !== common);
        shown = rest.join(" ");
        found = await ranked(pf, shown, shown, limit);
      }
      together = found.length > 0;
    }
    const results = found.slice(0, limit).map(({ data, terms, typed }) => {
      const title = (data.meta && data.meta.title) || data.url;
      const sections = bestSections(data, terms, typed).map((sub) => ({
        title: sub.anchor ? sub.title : title, url: sub.url, excerpt: sub.excerpt,
      }));
      if (!sections.length) sections.push({ title, url: data.url, excerpt: data.excerpt });
      return { title, page: data.url, url: sections[0].url, sections };
    });
    return { results, shown, term: term && !missing.length ? alias.said : null, missing, together };
  }

  const find = async (query, limit = MAX_PAGES) => (await search(query, limit)).results;

  function resultItem(result) {
    const item = el("li", { class: "chapterkit-result" });
    item.append(el("a", { class: "chapterkit-result-page", href: result.url }, result.title));
    const list = el("ul", { class: "chapterkit-result-sections" });
    for (const section of result.sections) {
      list.append(el("li", {}, el("a", { class: "chapterkit-result-section", href: section.url },
        el("span", { class: "chapterkit-result-heading" }, section.title),
        el("span", { class: "chapterkit-result-excerpt" }, ...excerptNodes(section.excerpt)))));
    }
    item.append(list);
    return item;
  }

  // Searches as the reader types, into `results`, with a status line in `status`.
  function searcher(input, results, status, onQuery) {
    let latest = 0;
    let timer = 0;
    async function run() {
      const query = input.value.trim();
      const ticket = ++latest;
      onQuery(query);
      if (!query) {
        results.replaceChildren();
        status.textContent = "";
        return;
      }
      if (location.protocol === "file:") {
        results.replaceChildren();
        status.textContent = SERVE_HINT;
        return;
      }
      status.textContent = "Searching…";
      let answer;
      try {
        answer = await search(query);
      } catch (error) {
        if (ticket === latest) status.textContent = "Search could not load its index: " + error.message;
        return;
      }
      if (ticket !== latest) return;
      const found = answer.results;
      results.replaceChildren(...found.map(resultItem));
      const pages = `${found.length} page${found.length > 1 ? "s" : ""}`;
      const quote = (words) => words.map((w) => `“${w}”`).join(", ");
      status.textContent = !found.length ? `Nothing found for “${query}”. Try a shorter or different word.`
        : (answer.missing.length ? `No page mentions ${quote(answer.missing)}; showing ${pages} found for “${answer.shown}”.`
          : answer.together ? `No page mentions all of “${query}”; showing ${pages} found for “${answer.shown}”.`
            : `${pages} found for “${query}”` + (answer.term ? ` (the book says “${answer.term}”).` : ".")) +
        " Arrow keys move between results.";
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 80);
    });
    input.addEventListener("focus", () => {
      if (location.protocol !== "file:") loadPagefind().catch(() => {});
    }, { once: true });
    return run;
  }

  // Arrow keys move from the box through the result links and back; Enter follows the focused link.
  function keyboard(input, results) {
    const links = () => [...results.querySelectorAll("a")];
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && links().length) {
        event.preventDefault();
        links()[0].focus();
      }
    });
    results.addEventListener("keydown", (event) => {
      const all = links();
      const at = all.indexOf(document.activeElement);
      if (at < 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = at + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) input.focus();
        else all[Math.min(next, all.length - 1)].focus();
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        all[event.key === "Home" ? 0 : all.length - 1].focus();
      }
    });
  }

  function searchPageUrl(query) {
    const url = new URL("search.html", ROOT);
    if (query) url.searchParams.set("q", query);
    return url.href;
  }

  let dialog = null;
  function buildDialog() {
    const input = el("input", {
      id: "chapterkit-search-input", type: "search", class: "chapterkit-search-input",
      placeholder: "Search the book", autocomplete: "off", autocorrect: "off", autocapitalize: "off",
      spellcheck: "false", "aria-describedby": "chapterkit-search-status", "aria-controls": "chapterkit-search-results",
    });
    const close = el("button", { type: "button", class: "chapterkit-search-close" }, "Close");
    const form = el("form", { role: "search", class: "chapterkit-search-form" },
      el("label", { for: "chapterkit-search-input", class: "chapterkit-search-label" }, "Search the book"),
      el("div", { class: "chapterkit-search-row" }, input, close));
    const status = el("p", { id: "chapterkit-search-status", class: "chapterkit-search-status", role: "status" });
    const results = el("ol", { id: "chapterkit-search-results", class: "chapterkit-results",
      "aria-label": "Search results" });
    const more = el("a", { class: "chapterkit-search-more", href: searchPageUrl("") }, "Open these results as a page");
    dialog = el("dialog", { id: "chapterkit-search-dialog", class: "chapterkit-search",
      "aria-label": "Search the book" }, form, status, results, el("p", { class: "chapterkit-search-foot" }, more));
    document.body.append(dialog);
    searcher(input, results, status, (query) => { more.href = searchPageUrl(query); });
    keyboard(input, results);
    // Escape closes the dialog at once, text or not (a search field would first clear itself).
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        dialog.close();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = results.querySelector("a");
      location.href = first ? first.href : searchPageUrl(input.value.trim());
    });
    close.addEventListener("click", () => dialog.close());
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", (event) => {
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside && event.target === dialog) dialog.close();
    });
    // Following a link to a section of the page the reader is on does not reload it: close the dialog.
    results.addEventListener("click", (event) => { if (event.target.closest("a")) dialog.close(); });
    if (location.protocol === "file:") status.textContent = SERVE_HINT;
    return dialog;
  }

  function openDialog() {
    const box = dialog || buildDialog();
    if (!box.open) box.showModal();
    const input = box.querySelector("input");
    input.focus();
    input.select();
  }

  function setupPage() {
    const form = document.getElementById("chapterkit-search-page");
    if (!form) return;
    const input = form.querySelector("input");
    const status = el("p", { id: "chapterkit-search-page-status", class: "chapterkit-search-status", role: "status" });
    const results = el("ol", { class: "chapterkit-results", "aria-label": "Search results" });
    input.setAttribute("aria-describedby", status.id);
    form.after(status, results);
    const run = searcher(input, results, status, (query) => {
      history.replaceState(null, "", query ? searchPageUrl(query) : searchPageUrl(""));
    });
    keyboard(input, results);
    form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
    input.value = new URLSearchParams(location.search).get("q") || "";
    if (input.value) run();
    input.focus();
  }

  window.chapterkitSearch = { find, search, normalize, searchTerms, excerptNodes, open: () => openDialog() };

  document.addEventListener("DOMContentLoaded", () => {
    if (MAC) {
      for (const kbd of document.querySelectorAll(".chapterkit-search-open .kbd-shortcut__modifier")) {
        kbd.textContent = "⌘";
      }
    }
    for (const button of document.querySelectorAll(".chapterkit-search-open")) {
      button.addEventListener("click", openDialog);
    }
    setupPage();
  });

  window.addEventListener("keydown", (event) => {
    const modifier = MAC ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
    if (modifier && !event.shiftKey && !event.altKey && /^k$/i.test(event.key)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      const page = document.getElementById("chapterkit-search-page-input");
      if (page) { page.focus(); page.select(); return; }
      if (dialog && dialog.open) dialog.close();
      else openDialog();
    }
  }, true);
})();
