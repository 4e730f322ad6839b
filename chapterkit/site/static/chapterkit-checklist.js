// MLOps Path: the {checklist} directive's script (ours, no framework). Loaded only on pages with a checklist.
// It scores the answers with the checklist's rule (the same rules as chapterkit/book/checklist.py), keeps them in
// localStorage under the checklist's id and items hash, and exports, imports and resets them.
// Nothing read from a file or from storage is ever inserted as HTML: text goes in through textContent.
(() => {
  "use strict";
  const OPEN = ["partly", "no"];

  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  const fmt = (x) => String(Math.round(x * 1000) / 1000);
  const owns = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const clip = (text) => { const s = String(text); return s.length > 60 ? s.slice(0, 57) + "..." : s; };

  // ------------------------------------------------------------------ the rules (mirror of checklist.py)
  function score(data, answers) {
    const best = Math.max(...data.scale.map((o) => o.points || 0));
    const points = new Map(data.scale.map((o) => [o.value, o.points || 0]));
    const sections = data.sections.map((s) => {
      const given = s.items.filter((i) => answers[i.key]);
      if (data.rule === "audit") {
        const open = s.items.filter((i) => !answers[i.key] || OPEN.includes(answers[i.key]));
        return { section: s, items: s.items.length, answered: given.length, open };
      }
      const total = s.items.reduce((t, i) => t + (answers[i.key] ? points.get(answers[i.key]) : 0), 0);
      return { section: s, items: s.items.length, answered: given.length, score: total, best: s.items.length * best };
    });
    const result = { sections, items: sections.reduce((t, s) => t + s.items, 0),
      answered: sections.reduce((t, s) => t + s.answered, 0) };
    if (data.rule === "audit") {
      result.open = sections.flatMap((s) => s.open);
    } else {
      if (!result.answered) return { ...result, score: null, band: -1, lowest: [] };  // no score before an answer
      result.score = Math.min(...sections.map((s) => s.score));
      result.band = data.bands.findIndex((b) => b.upto === null || result.score <= b.upto);
      result.lowest = sections.filter((s) => s.score === result.score).map((s) => s.section.title);
    }
    return result;
  }

  function problemsOf(answers, keys, values) {
    const problems = [];
    for (const key of Object.keys(answers)) {
      if (!keys.has(key)) problems.push(`unknown item "${clip(key)}"`);
      else if (typeof answers[key] !== "string" || !values.has(answers[key])) {
        problems.push(`item "${key}": "${clip(answers[key])}" is not one of ${[...values.keys()].join(", ")}`);
      }
    }
    return problems;
  }

  // ------------------------------------------------------------------ one checklist on the page
  function setup(root) {
    const data = JSON.parse(root.querySelector("script.ck-data").textContent);
    const items = data.sections.flatMap((s) => s.items);
    const keys = new Map(items.map((i) => [i.key, i]));
    const values = new Map(data.scale.map((o) => [o.value, o]));
    const base = data.storageKey.slice(0, data.storageKey.lastIndexOf(":") + 1);
    const message = root.querySelector(".ck-message");
    const summary = root.querySelector(".ck-summary");
    const overall = root.querySelector(".ck-overall");
    let answers = Object.create(null);
    let folded = null;  // the reader's own choice for the open-items list (null: folded until an answer)

    const say = (text) => { message.textContent = text; };
    const storage = (() => {
      try { const s = window.localStorage; s.getItem(data.storageKey); return s; } catch (e) { return null; }
    })();

    function load() {
      if (!storage) {
        say("This browser does not let the page keep your answers: export them before you leave.");
        return;
      }
      for (let i = storage.length - 1; i >= 0; i--) {  // answers to an older list of items are stale: drop them
        const key = storage.key(i);
        if (key && key.startsWith(base) && key !== data.storageKey) storage.removeItem(key);
      }
      try {
        const saved = JSON.parse(storage.getItem(data.storageKey) || "{}").answers || {};
        for (const key of Object.keys(saved)) {
          if (keys.has(key) && values.has(saved[key])) answers[key] = saved[key];
        }
      } catch (e) { /* unreadable storage: start empty */ }
    }
    function save() {
      if (!storage) return;
      try {
        if (Object.keys(answers).length) storage.setItem(data.storageKey, JSON.stringify({ answers }));
        else storage.removeItem(data.storageKey);
      } catch (e) { say("Your answers could not be saved in this browser: export them before you leave."); }
    }
    function sync() {
      for (const input of root.querySelectorAll("input[type=radio]")) {
        const key = input.closest(".ck-item").dataset.key;
        input.checked = answers[key] === input.value;
      }
    }

    // -------------------------------------------------------------- showing the scores
    function table(head, rows) {
      const t = el("table", undefined, "ck-table table");
      const tr = el("tr");
      for (const h of head) { const th = el("th", h); th.scope = "col"; tr.append(th); }
      t.append(el("thead"), el("tbody"));
      t.tHead.append(tr);
      for (const row of rows) {
        const r = el("tr");
        row.forEach((cell, n) => {
          const c = el(n ? "td" : "th", cell);
          if (!n) c.scope = "row";
          r.append(c);
        });
        t.tBodies[0].append(r);
      }
      return t;
    }
    function render() {
      const r = score(data, answers);
      const parts = [];
      const statuses = root.querySelectorAll(".ck-status");
      if (data.rule === "audit") {
        r.sections.forEach((s, n) => {
          statuses[n].textContent = `Open in this section: ${s.open.length} of ${s.items}`;
        });
        overall.textContent = `Open items: ${r.open.length} of ${r.items} (${r.answered} answered).`;
        parts.push(el("p", "Partly, no and unanswered items count as open."));
        parts.push(table(["Section", "Items", "Open"], r.sections.map((s) => [s.section.title, String(s.items),
          String(s.open.length)])));
        if (r.open.length) {
          const fold = el("details", undefined, "ck-open-list");
          const head = el("summary", `Open items, with where they come from (${r.open.length})`);
          head.addEventListener("click", () => { folded = fold.open; });
          fold.open = folded === null ? r.answered > 0 : !folded;
          const list = el("ul", undefined, "ck-open");
          for (const item of r.open) {
            const answer = answers[item.key] ? values.get(answers[item.key]).label : "not answered yet";
            list.append(el("li", `${item.n}. ${item.text} (${item.source}): ${answer}`));
          }
          fold.append(head, list);
          parts.push(fold);
        }
      } else {
        r.sections.forEach((s, n) => {
          statuses[n].textContent = `Section score: ${fmt(s.score)} of ${fmt(s.best)}`;
        });
        const band = data.bands[r.band];
        overall.textContent = r.score === null ? "Overall score: none yet. Answer the items to get a score."
          : `Overall score: ${fmt(r.score)}, the lowest section score (${r.lowest.join(", ")}). `
          + `Band: ${band.label}. ${band.meaning}`;
        parts.push(table(["Section", "Score", "Highest possible"], r.sections.map((s) => [s.section.title,
          fmt(s.score), fmt(s.best)])));
        root.querySelectorAll("tr.ck-band").forEach((row, n) => {
          row.classList.toggle("ck-current", n === r.band);
          if (n === r.band) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
        });
      }
      summary.replaceChildren(...parts);
      return r;
    }

    // -------------------------------------------------------------- export, import, reset
    function download(name, type, text) {
      const link = el("a");
      link.href = URL.createObjectURL(new Blob([text], { type }));
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }
    const cell = (text) => String(text).replace(/\|/g, "\\|");
    function markdown() {
      const r = score(data, answers);
      const label = (key) => (answers[key] ? values.get(answers[key]).label : "not answered");
      const out = [`# ${data.title}: results`, "", `Checklist \`${data.id}\`, items version \`${data.hash}\`, `
        + `from ${location.href.split("#")[0]}`, ""];
      if (data.rule === "audit") {
        out.push(`**Open items: ${r.open.length} of ${r.items}** (${r.answered} answered; partly, no and unanswered `
          + "items count as open).", "", "| Section | Items | Open |", "| --- | --- | --- |");
        for (const s of r.sections) out.push(`| ${cell(s.section.title)} | ${s.items} | ${s.open.length} |`);
        out.push("", "## Open items", "");
        for (const i of r.open) out.push(`- [ ] ${i.n}. ${i.text} (${i.source}): ${label(i.key)}`);
        if (!r.open.length) out.push("None.");
      } else {
        const band = data.bands[r.band];
        out.push(r.score === null ? "**Overall score: none yet** (no item is answered)."
          : `**Overall score: ${fmt(r.score)}** (the minimum over sections). Band: ${band.label}. ${band.meaning}`,
        "", "| Section | Score | Highest possible |", "| --- | --- | --- |");
        for (const s of r.sections) out.push(`| ${cell(s.section.title)} | ${fmt(s.score)} | ${fmt(s.best)} |`);
      }
      out.push("", "## All answers");
      for (const s of data.sections) {
        out.push("", `### ${s.title}`, "");
        for (const i of s.items) out.push(`- ${i.n}. ${i.text} (${i.source}): ${label(i.key)}`);
      }
      return out.join("\n") + "\n";
    }
    function exported() {
      return JSON.stringify({ format: "chapterkit-checklist", version: 1, checklist: data.id, hash: data.hash,
        answers }, null, 2) + "\n";
    }
    function importText(text) {
      let parsed;
      try { parsed = JSON.parse(text); } catch (e) { return "Not imported: the file is not valid JSON."; }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        return "Not imported: the file does not hold a checklist export.";
      }
      if (parsed.checklist !== data.id) {
        return `Not imported: the file is for the checklist "${clip(parsed.checklist)}", not "${data.id}".`;
      }
      if (parsed.hash !== data.hash) {
        return "Not imported: the file was exported from another version of this checklist (its items have changed "
          + "since), so its answers may not fit these items.";
      }
      const given = parsed.answers;
      if (!given || typeof given !== "object" || Array.isArray(given)) return "Not imported: the file has no answers.";
      const problems = problemsOf(given, keys, values);
      if (problems.length) {
        const more = problems.length > 3 ? ` and ${problems.length - 3} more` : "";
        return `Not imported: ${problems.slice(0, 3).join("; ")}${more}.`;
      }
      answers = Object.create(null);
      for (const key of Object.keys(given)) answers[key] = given[key];
      save(); sync(); render();
      return `Imported ${Object.keys(answers).length} answers.`;
    }

    root.addEventListener("change", (event) => {
      const input = event.target;
      if (!input.matches("input[type=radio]")) return;
      answers[input.closest(".ck-item").dataset.key] = input.value;
      save(); render();
    });
    const button = (cls, action) => root.querySelector(cls).addEventListener("click", action);
    const file = root.querySelector(".ck-import-file");
    button(".ck-export-md", () => download(`${data.id}-results.md`, "text/markdown", markdown()));
    button(".ck-export-json", () => download(`${data.id}-answers.json`, "application/json", exported()));
    button(".ck-import", () => file.click());
    file.addEventListener("change", () => {
      const chosen = file.files[0];
      if (!chosen) return;
      chosen.text().then((text) => say(importText(text)), () => say("Not imported: the file could not be read."));
      file.value = "";
    });
    button(".ck-reset", () => {
      if (!window.confirm("Clear every answer of this checklist?")) return;
      answers = Object.create(null);
      save(); sync(); render();
      say("All answers cleared.");
    });

    // The bar sticks below the theme's sticky article header, whose height depends on the screen.
    const header = document.querySelector(".bd-header-article");
    const place = () => root.style.setProperty("--ck-bar-top",
      `${header && getComputedStyle(header).position === "sticky" ? header.offsetHeight : 0}px`);
    window.addEventListener("resize", place);
    place(); load(); sync(); render();
    root.querySelector(".ck-tools").hidden = false;
    root.classList.add("ck-ready");
    // For tests and the curious: the current answers and the import, without the file dialog.
    root.ckApi = { answers: () => ({ ...answers }), importText, markdown, exported, score: () => score(data, answers) };
  }

  const start = () => document.querySelectorAll(".ck").forEach(setup);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
