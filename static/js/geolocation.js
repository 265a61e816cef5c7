// Field visits (issue 16): the visit's position from the officer's phone, when they allow it.
// Fills the follow-up form's hidden latitude/longitude when "Kunjungan lapangan" is chosen; without
// permission, without a fix or without JavaScript the visit is saved without a position.
(() => {
  const VISIT = "field_visit";
  // Indonesia, roughly: the server refuses anything outside, so a position abroad is not sent.
  const BOUNDS = { latMin: -11, latMax: 6, lonMin: 95, lonMax: 141 };

  function say(status, text) {
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
  }

  function update(form) {
    const kind = form.querySelector("select[name=kind]");
    const lat = form.querySelector("[data-geo=latitude]");
    const lon = form.querySelector("[data-geo=longitude]");
    const status = form.querySelector("[data-geo-status]");
    if (!kind || !lat || !lon) return;
    if (kind.value !== VISIT) {
      lat.value = "";
      lon.value = "";
      say(status, "");
      return;
    }
    if (lat.value && lon.value) return;
    if (!("geolocation" in navigator) || !status) return;
    say(status, status.dataset.asking);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (kind.value !== VISIT) return;
        const { latitude, longitude } = pos.coords;
        const inside =
          latitude >= BOUNDS.latMin && latitude <= BOUNDS.latMax &&
          longitude >= BOUNDS.lonMin && longitude <= BOUNDS.lonMax;
        if (!inside) {
          say(status, status.dataset.outside);
          return;
        }
        lat.value = latitude.toFixed(6);
        lon.value = longitude.toFixed(6);
        say(status, `${status.dataset.found} ${lat.value}, ${lon.value}`);
      },
      () => say(status, status.dataset.none),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  }

  function updateAll() {
    document.querySelectorAll("form [data-geo=latitude]").forEach((el) => update(el.form));
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("select[name=kind]") && event.target.form) {
      update(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", updateAll);
  document.addEventListener("htmx:afterSettle", updateAll);
})();
