// The "Cetak" button of print pages (receipts, letters): no inline script under the CSP.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
