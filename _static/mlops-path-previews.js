// MLOps Path: hover previews. Pointing at (or tabbing to) a link to a glossary term, a section, a page or a
// reference shows a short plain-text preview of what it points to. The target page is fetched from this site
// (same origin only) and read with DOMParser; the preview is built with textContent, never as HTML.
(() => {
  const LINKS = ".bd-article a.reference.internal:not(.headerlink)";
  const DELAY = 250;
  const MAX_CHARS = 300;
  const pages = new Map();
  let tip = null;
  let current = null;
  let timer = 0;

  const squash = (text) => text.replace(/\s+/g, " ").replace(/#$/, "").trim();
  const clip = (text) => {
    if (text.length <= MAX_CHARS) return text;
    const cut = text.slice(0, MAX_CHARS);
    return `${cut.slice(0, cut.lastIndexOf(" "))} …`;
  };

  function page(url) {
    if (!pages.has(url)) {
      pages.set(url, fetch(url).then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .then((html) => new DOMParser().parseFromString(html, "text/html")));
    }
    return pages.get(url);
  }

  function textOf(node) {
    const copy = node.cloneNode(true);
    copy.querySelectorAll(".headerlink, .label, .backrefs, script, style").forEach((n) => n.remove());
    return squash(copy.textContent);
  }

  // [title, text] of what the link points to, or null.
  function preview(doc, hash) {
    let el = hash ? doc.getElementById(decodeURIComponent(hash)) : doc.querySelector(".bd-article section");
    if (!el) return null;
    // A label is an empty <span> before what it names: a section, or a page's heading and first paragraph.
    if (el.tagName === "SPAN" && !el.textContent.trim() && el.nextElementSibling) {
      el = el.nextElementSibling;
      if (/^H[1-6]$/.test(el.tagName)) {
        let next = el.nextElementSibling;
        while (next && next.tagName !== "P" && !next.querySelector("p")) next = next.nextElementSibling;
        const para = next && (next.tagName === "P" ? next : next.querySelector("p"));
        return [textOf(el), para ? textOf(para) : ""];
      }
    }
    if (el.tagName === "DT") {
      const dd = el.nextElementSibling;
      return [textOf(el), dd ? textOf(dd) : ""];
    }
    if (el.classList.contains("citation")) return ["", textOf(el)];
    if (el.tagName === "SECTION") {
      const heading = el.querySelector("h1, h2, h3, h4, h5, h6");
      const para = el.querySelector(":scope > p") || el.querySelector("p");
      return [heading ? textOf(heading) : "", para ? textOf(para) : ""];
    }
    return ["", textOf(el)];
  }

  function hide() {
    clearTimeout(timer);
    if (current) {
      current.removeAttribute("aria-describedby");
      if (current.dataset.mpTitle) current.setAttribute("title", current.dataset.mpTitle);
    }
    current = null;
    if (tip) tip.hidden = true;
  }

  function show(link, title, text) {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "mp-preview";
      tip.className = "mp-preview";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    tip.replaceChildren();
    if (title) {
      const strong = document.createElement("strong");
      strong.textContent = title;
      tip.append(strong, document.createElement("br"));
    }
    tip.append(document.createTextNode(clip(text)));
    tip.hidden = false;
    const box = link.getBoundingClientRect();
    const width = Math.min(448, document.documentElement.clientWidth - 16);
    tip.style.maxWidth = `${width}px`;
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
    if (link.hasAttribute("title")) {
      link.dataset.mpTitle = link.getAttribute("title");
      link.removeAttribute("title"); // no native tooltip on top of this one
    }
    link.setAttribute("aria-describedby", tip.id);
  }

  function start(event) {
    const link = event.target.closest(LINKS);
    if (!link || link === current) return;
    hide();
    const url = new URL(link.getAttribute("href"), location.href);
    if (url.origin !== location.origin) return;
    current = link;
    timer = setTimeout(() => {
      const here = url.pathname === location.pathname;
      const doc = here ? Promise.resolve(document) : page(url.pathname);
      doc.then((d) => {
        const found = preview(d, url.hash.slice(1));
        if (current === link && found && (found[0] || found[1])) show(link, found[0], found[1]);
      }).catch(() => {});
    }, DELAY);
  }

  function stop(event) {
    const link = event.target.closest(LINKS);
    if (link && link === current && !link.contains(event.relatedTarget)) hide();
  }

  document.addEventListener("mouseover", start);
  document.addEventListener("focusin", start);
  document.addEventListener("mouseout", stop);
  document.addEventListener("focusout", stop);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
})();
