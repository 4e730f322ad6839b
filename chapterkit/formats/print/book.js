// Rearranges the single-page HTML build for printing (run by chapterkit/formats/pdfbook.py before page.pdf()).
// Keeps the article only; adds a title page, the contents and a heading per part; opens every dropdown; points
// every link to this same page at its anchor so that it becomes a link inside the PDF. Text is set with
// textContent only, never as HTML.
(opts) => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // Links to this page become in-document anchors.
  const here = location.href.split("#")[0];
  for (const a of article.querySelectorAll("a[href]")) {
    const url = new URL(a.getAttribute("href"), location.href);
    if (url.href.split("#")[0] === here && url.hash) a.setAttribute("href", url.hash);
  }
  for (const d of article.querySelectorAll("details")) d.open = true;
  for (const img of article.querySelectorAll("img")) img.loading = "eager";
  for (const n of article.querySelectorAll(".headerlink, .d-print-none, script, .ck-remove")) n.remove();

  // The landing page's title becomes "Introduction": the title page carries the book's title.
  const first = article.querySelector("h1");
  if (first) {
    first.textContent = "Introduction";
    const intro = first.closest("section");
    if (intro) intro.classList.add("ck-intro");
  }

  // Each document of the book starts with <span id="document-NAME">; chapters are its h2 sections.
  let partNumber = 0;
  for (const [caption, docname] of opts.parts) {
    const anchor = document.getElementById("document-" + docname);
    if (!anchor) throw new Error("the part '" + caption + "' starts at " + docname + ", which is not on the page");
    const heading = el("h1", "ck-part", caption);
    heading.id = "ck-part-" + (++partNumber);
    anchor.parentNode.insertBefore(heading, anchor);
  }
  for (const span of article.querySelectorAll('span[id^="document-"]')) {
    let next = span.nextElementSibling;
    while (next && next.tagName === "SPAN") next = next.nextElementSibling;
    if (next && next.tagName === "SECTION" && next.querySelector(":scope > h2")) next.classList.add("ck-chapter");
  }

  // Title page.
  const title = el("section", "ck-title-page");
  if (opts.logo) {
    const logo = el("img");
    logo.src = opts.logo;
    logo.alt = "";
    title.append(logo);
  }
  title.append(el("p", "ck-title", opts.title), el("p", "ck-subtitle", opts.description),
               el("p", "ck-authors", opts.author), el("p", "ck-version", "Version " + opts.version + " · " + opts.date));

  // Contents: parts, chapters, and each chapter's sections and pages (h1, h2, h3 of the article).
  const toc = el("nav", "ck-toc");
  toc.setAttribute("aria-label", "Contents");
  toc.append(el("p", "ck-toc-title", "Contents"));
  const list = el("ol");
  const kinds = {H1: "ck-toc-part", H2: "ck-toc-chapter", H3: "ck-toc-section"};
  let n = 0;
  for (const h of article.querySelectorAll("h1, h2, h3")) {
    const level = h.tagName;
    // Under the introduction only its title; under a chapter its sections and pages.
    const inIntro = h.closest(".ck-intro") && !h.closest(".ck-chapter");
    if (inIntro && level !== "H1") continue;
    // The single page repeats section ids ("why-it-matters" in every chapter): each entry gets its own.
    const target = h;
    if (!target.id) target.id = "ck-heading-" + (++n);
    const item = el("li", kinds[level]);
    const link = el("a");
    link.setAttribute("href", "#" + target.id);
    link.append(el("span", "ck-toc-text", h.textContent.trim()), el("span", "ck-toc-dots"),
                el("span", "ck-toc-page", ""));
    item.append(link);
    list.append(item);
  }
  toc.append(list);

  const book = el("div", "ck-book");
  book.append(title, toc, article);
  document.body.replaceChildren(book);
  document.documentElement.dataset.theme = "light";
  return list.children.length;
}
