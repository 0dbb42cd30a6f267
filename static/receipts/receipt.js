// Receipt page: the Print button (a static file, as the Content-Security-Policy allows no inline handlers).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
