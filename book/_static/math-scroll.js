/* Formulas are not keyboard tab stops (MathJax's menu setting inTabOrder is off in _config.yml).
   A displayed formula wider than the column scrolls sideways (book.css), and a region that scrolls
   must be reachable from the keyboard (WCAG 2.1.1): such a formula, and only while it overflows,
   gets tabindex="0" and a label, so Tab reaches it and the arrow keys scroll it. Formulas are
   typeset lazily, as they come near the screen, so this runs again whenever the page changes. */
(function () {
  const MARK = "data-scroll-region";
  let count = 0;
  function mark() {
    document.querySelectorAll('mjx-container[display="true"]').forEach((box) => {
      const wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute(MARK)) {
        box.setAttribute(MARK, "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", `Wide formula ${++count}, scroll sideways with the arrow keys`);
      } else if (!wide && box.hasAttribute(MARK)) {
        ["tabindex", "role", "aria-label", MARK].forEach((name) => box.removeAttribute(name));
      }
    });
  }
  let pending = null;
  function soon() {
    if (pending === null) pending = setTimeout(() => { pending = null; mark(); }, 100);
  }
  document.addEventListener("DOMContentLoaded", () => {
    const main = document.querySelector("main") || document.body;
    new MutationObserver(soon).observe(main, { childList: true, subtree: true });
    window.addEventListener("resize", soon);
    soon();
  });
})();
