// Exports: show "Berkas sedang disiapkan…" until the file starts to arrive. The server answers the
// download with a short-lived cookie carrying the token we add to the link, so no polling endpoint.
(function () {
  "use strict";
  function watch(link) {
    if (link.dataset.exportBound) return;
    link.dataset.exportBound = "1";
    link.addEventListener("click", function (ev) {
      var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("dl", token);
      var note = link.parentElement.querySelector(".export-progress");
      if (!note) return;
      ev.preventDefault();
      note.hidden = false;
      window.location.href = url.toString();
      var started = Date.now();
      var timer = window.setInterval(function () {
        var done = document.cookie.indexOf("krs_download=" + token) !== -1;
        if (done || Date.now() - started > 600000) {
          note.hidden = true;
          window.clearInterval(timer);
        }
      }, 500);
    });
  }
  function bind() {
    document.querySelectorAll("a[data-export]").forEach(watch);
  }
  document.addEventListener("DOMContentLoaded", bind);
  document.addEventListener("htmx:afterSettle", bind);
})();
