/* /packages: keep the open tab in the address, so a reload comes back to it. */
"use strict";

document.querySelectorAll("#kind-tabs [data-bs-toggle=tab]").forEach((tab) => {
  tab.addEventListener("shown.bs.tab", () => {
    const url = new URL(window.location.href);
    url.searchParams.set("kind", tab.dataset.kind);
    history.replaceState(null, "", url);
  });
});
