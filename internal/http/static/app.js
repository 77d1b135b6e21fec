// Keeps every countdown on the page ticking; the page works without it.
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
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
})();
