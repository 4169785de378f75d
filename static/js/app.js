// Small conveniences only; every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
  // Live character counters under long text fields (components.CharCount):
  // the page says the limit without this; with it, the count follows
  // typing and pasting. Characters are counted as the server counts them
  // (code points), so a pasted text over the limit says so.
  function count(p) {
    var f = document.getElementById(p.getAttribute("data-for"));
    if (!f) return;
    var n = Array.from(f.value).length, max = +p.getAttribute("data-max");
    p.textContent = p.getAttribute(n > max ? "data-over" : "data-count").replace("{n}", n);
    p.classList.toggle("char-count-over", n > max);
  }
  document.querySelectorAll(".char-count[data-for]").forEach(function (p) {
    count(p);
    var f = document.getElementById(p.getAttribute("data-for"));
    if (f) f.addEventListener("input", function () { count(p); });
  });
  // Print buttons.
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t && t.hasAttribute && t.hasAttribute("data-print")) { ev.preventDefault(); window.print(); }
  });
})();
