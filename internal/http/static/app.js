// Keeps every countdown on the page ticking and fills figures that are
// costly to compute after the page is shown; the page works without it.
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  function fmt(ms) {
    var m = Math.round(Math.abs(ms) / 60000), h = Math.floor(m / 60);
    m = m % 60;
    if (zh) { return h > 0 ? h + "小时" + m + "分" : m + "分钟"; }
    return h > 0 ? h + "h " + (m < 10 ? "0" : "") + m + "m" : m + "m";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = due - now;
      el.textContent = fmt(left) + (left >= 0 ? (zh ? " 剩余" : " left") : (zh ? " 已超时" : " overdue"));
      el.classList.toggle("breached", left < 0);
    });
  }
  // Fills a figure that is costly to compute from the page its link names:
  // the element of the same id there replaces it here.
  function fill() {
    document.querySelectorAll("[data-fill]").forEach(function (a) {
      var el = a.parentElement;
      el.setAttribute("aria-busy", "true");
      fetch(a.getAttribute("href"), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      }).then(function (html) {
        var got = new DOMParser().parseFromString(html, "text/html").getElementById(el.id);
        if (got) { el.replaceWith(document.importNode(got, true)); }
      }).catch(function () { el.removeAttribute("aria-busy"); });
    });
  }
  // Shows only the fields of the chosen monitor type; without script they
  // all show, and the server ignores those of other types.
  function types() {
    document.querySelectorAll("select[data-shows-types]").forEach(function (sel) {
      var form = sel.form;
      function apply() {
        form.querySelectorAll("[data-types]").forEach(function (el) {
          el.hidden = el.getAttribute("data-types").split(" ").indexOf(sel.value) < 0;
        });
      }
      sel.addEventListener("change", apply);
      apply();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); fill(); types(); });
})();
