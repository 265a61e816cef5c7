// Exports. (1) Case-list links follow the filters: htmx pushes them into the address bar while the
// rows change in place, so the link takes its query from there. (2) "Berkas sedang disiapkan…"
// shows until the file starts to arrive: the server answers the download with a short-lived cookie
// carrying the token we add to the link, so no polling endpoint is needed.
(function () {
  "use strict";
  function watch(link) {
    if (link.dataset.exportBound) return;
    link.dataset.exportBound = "1";
    link.addEventListener("click", function (ev) {
      var url = new URL(link.href, window.location.href);
      if (link.hasAttribute("data-export-follow-location")) {
        url.search = window.location.search;
        url.searchParams.delete("page");
      }
      var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      url.searchParams.set("dl", token);
      ev.preventDefault();
      var note = link.parentElement.querySelector(".export-progress");
      if (note) note.hidden = false;
      window.location.href = url.toString();
      if (!note) return;
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
