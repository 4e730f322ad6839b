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
  let pagefind = null;

  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", ROOT).href).then(async (pf) => {
        await pf.options({ baseUrl: ROOT.pathname, ranking: RANKING });
        await pf.init();
        return pf;
      });
      pagefind.catch(() => { pagefind = null; });
    }
    return pagefind;
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
  const QUESTION_WORDS = new Set(("why how what when which who where whose do does did is are was were be been " +
    "the a an of to in on for and or with my i we you it its can could should would will there that this these " +
    "those from by at as me us our your about into than then so if over").split(" "));

  function searchTerms(query) {
    const words = query.trim().split(/\s+/).filter(Boolean);
    const kept = words.filter((w) => !QUESTION_WORDS.has(w.toLowerCase().replace(/[?!.,;:]+$/, "")));
    return (kept.length ? kept : words).join(" ").replace(/[?!]+/g, "");
  }

  // A word as compared for coverage: lower case, letters and digits only, its first 4 characters.
  const stem = (word) => word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "").slice(0, 4);
  const rawStems = (text) => String(text || "").split(/[\s/-]+/).map(stem).filter(Boolean);
  const stems = (text) => rawStems(text).filter((w) => !QUESTION_WORDS.has(w));

  // Weights the build gives (chapterkit/site/search.py; tests/test_search.py checks that they agree): a block that
  // holds a concept's main index entry weighs DEFINES; recap sections (takeaways, questions, Checks) weigh
  // RECAP or less.
  const DEFINES = 2.2;
  const RECAP = 0.4;
  // Pagefind stores a weight in steps of 1/24 (2.2 comes back as 2.1667, 0.4 as 0.375): compare within a step.
  const STEP = 1 / 24;
  const isDefining = (loc) => Math.abs(loc.weight - DEFINES) < STEP;

  // True if the query's words follow one another in the page's words from position `at`.
  const phraseAt = (words, at, terms) => terms.every((t, k) => stem(words[at + k] || "") === t);
  // True if one of the locations `locs` (matched words) is inside the typed query, word for word, in `words`.
  const typedAt = (words, locs, typed) => typed.length > 0 &&
    locs.some((loc) => typed.some((_, k) => phraseAt(words, loc.location - k, typed)));

  // The sections of a page that match, best first (the first is where the result links): one whose explaining
  // text has the query word for word, as typed (a title such as "What's your ML Test Score?"); then the one whose
  // explaining text (not a recap) holds the most of the query's words; then one that has them as a phrase; then
  // the one whose heading names most of them, and little else; then the one whose matches weigh most.
  function bestSections(data, terms, typed = []) {
    const words = String(data.content || "").split(/\s+/);
    const ranked = (data.sub_results || []).map((sub, order) => {
      const explaining = (sub.weighted_locations || []).filter((loc) => loc.weight > RECAP + STEP);
      const found = new Set(explaining.map((loc) => stem(words[loc.location] || "")));
      const heading = stems(sub.title || "");
      const named = terms.filter((t) => heading.includes(t)).length;
      return {
        sub, order, named, specific: heading.length ? named / heading.length : 0,
        covered: terms.filter((t) => found.has(t)).length,
        phrase: terms.length > 1 && explaining.some((loc) => phraseAt(words, loc.location, terms)) ? 1 : 0,
        verbatim: typedAt(words, explaining, typed) ? 1 : 0,
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
  function pageRank(result, data, terms, typed = []) {
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
    const phrase = exact ? 4 : verbatim ? 3 : headings.some((h) => hasPhrase(h, terms)) ? 2
      : hasPhrase(content, terms) ? 1.5 : 1;
    // A page named exactly what the reader typed ("glossary", "feedback loops") is the page they want; one whose
    // title holds all the words in that order ("ML anti-patterns" for "ML-System Anti-Patterns"), nearly so.
    const title = stems((data.meta && data.meta.title) || "");
    const named = terms.length && sameWords((data.meta && data.meta.title) || "", terms) ? 2.5
      : terms.length > 1 && inOrder(title, terms) ? 1.5 : 1;
    // No boost for a page merely because a defining block holds the query's words: tried with the weights as
    // Pagefind returns them, it ranked pages that define a neighbouring concept first (93% first-result hits
    // against 96%). Defining blocks count through their weight and in `verbatim` above.
    const defines = 1;
    // How well the page matches, coarsely (has the query as a phrase or not, defines it or not), and whether it
    // matches outside its recaps: what restatersBelowExplainers compares.
    const explains = (data.weighted_locations || []).some((loc) => loc.weight > RECAP + STEP);
    return { rank: result.score * weight * phrase * named * defines, match: (phrase > 1 ? 2 : 1) * defines,
      explains, weight };
  }

  // True if `text`, without a leading label ("Monitor 5:", "Part 1:"), has exactly the query's words.
  const sameWords = (text, terms) => [String(text || ""), String(text || "").replace(/^\p{L}+ \d+:\s*/u, "")]
    .some((t) => stems(t).join(" ") === terms.join(" "));

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

  // The search itself, for the dialog, the search page and the tests: pages best first, each with its title,
  // URL (of its best section) and its best sections (title, URL, excerpt markup from Pagefind).
  async function find(query, limit = MAX_PAGES) {
    const pf = await loadPagefind();
    const text = searchTerms(query);
    const terms = [...new Set(stems(text))];
    // The query word for word, question words kept, when they were left out of `terms` and it has 3 words or more.
    const all = rawStems(query);
    const typed = all.length >= 3 && all.length > terms.length ? all : [];
    const search = await pf.search(text);
    const candidates = search.results.slice(0, Math.max(limit, CANDIDATES));
    const found = await Promise.all(candidates.map(async (result, order) => {
      const data = await result.data();
      return { data, order, ...pageRank(result, data, terms, typed) };
    }));
    restatersBelowExplainers(found);
    found.sort((a, b) => b.rank - a.rank || a.order - b.order);
    return found.slice(0, limit).map(({ data }) => {
      const title = (data.meta && data.meta.title) || data.url;
      const sections = bestSections(data, terms, typed).map((sub) => ({
        title: sub.anchor ? sub.title : title, url: sub.url, excerpt: sub.excerpt,
      }));
      if (!sections.length) sections.push({ title, url: data.url, excerpt: data.excerpt });
      return { title, page: data.url, url: sections[0].url, sections };
    });
  }

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
      let found;
      try {
        found = await find(query);
      } catch (error) {
        if (ticket === latest) status.textContent = "Search could not load its index: " + error.message;
        return;
      }
      if (ticket !== latest) return;
      results.replaceChildren(...found.map(resultItem));
      status.textContent = found.length
        ? `${found.length} page${found.length > 1 ? "s" : ""} found for “${query}”. Arrow keys move between results.`
        : `Nothing found for “${query}”. Try a shorter or different word.`;
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

  window.chapterkitSearch = { find, searchTerms, excerptNodes, open: () => openDialog() };

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
