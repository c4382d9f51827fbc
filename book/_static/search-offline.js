/* Sphinx's search page shows an excerpt under each result by fetching that page. Over file:// the
   browser refuses those fetches ("Failed to fetch", one console error per result), so there the page
   lists the results without excerpts and says how to get them: serve the site with `make serve`. */
if (window.location.protocol === "file:") {
  if (typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  document.addEventListener("DOMContentLoaded", () => {
    const results = document.getElementById("search-results");
    if (!results) return;
    const note = document.createElement("p");
    note.className = "search-offline-note";
    note.textContent = "This copy of the site is opened as a file, so results are listed without " +
      "excerpts. For excerpts, run `make serve` in the book's folder and open " +
      "http://127.0.0.1:8000/search.html.";
    results.parentNode.insertBefore(note, results);
  });
}

/* Excerpts: Sphinx takes them from the page's main text, which on this theme starts with a
   print-only table of contents, so the first match was "The softmax Jacobian Contents". Leave out
   what is only printed, the article header's buttons and MathJax's hidden copies, and collapse spaces. */
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const original = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".onlyprint, #jb-print-docs-body, .bd-header-article, .bd-toc")
      .forEach((el) => el.remove());
    return original(doc.documentElement.outerHTML, anchor).replace(/\s+/g, " ");
  };
});
