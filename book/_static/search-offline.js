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
