// MLOps Path: small fixes to the theme, loaded on every page.
document.addEventListener("DOMContentLoaded", () => {
  // sphinx-book-theme 1.3 with pydata-sphinx-theme 0.17 binds the sidebar toggles to the first button of each
  // kind only (in the header, hidden on phones); forward clicks from the others, so phone readers can open them.
  for (const kind of [".primary-toggle", ".secondary-toggle"]) {
    const [first, ...others] = document.querySelectorAll(kind);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        first.click();
      });
    }
  }
  // The navigation's expand/collapse toggles are <summary> elements with only an icon: give them a name.
  for (const summary of document.querySelectorAll("nav summary")) {
    if (summary.textContent.trim() || summary.getAttribute("aria-label")) continue;
    const link = summary.closest("li")?.querySelector(":scope > a");
    const name = link ? link.textContent.trim() : "this section";
    summary.setAttribute("aria-label", `Show or hide the pages of ${name}`);
  }
  // docutils marks bibliography entries with the deprecated role doc-biblioentry inside role="list":
  // make them list items, which is what they are.
  for (const entry of document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]')) {
    entry.setAttribute("role", "listitem");
  }
});
