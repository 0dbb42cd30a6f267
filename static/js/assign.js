/* /assign-packages: the server draws everything; this only moves the focus where the cashier goes next. */
"use strict";

document.body.addEventListener("customer-picked", (event) => {
  const next = document.querySelector("#assign-form [name=package]");
  if (event.detail.id && next && !next.value) next.focus();
});
document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target.id !== "sale") return;
  const invalid = document.querySelector("#sale .is-invalid, #sale [data-sale-error]");
  if (invalid) invalid.focus();
});
