/* /packages: create a template of any kind through /api/<kind>; show the server's computed figures. */
"use strict";

(() => {
  const flash = document.getElementById("flash");
  const message = sessionStorage.getItem("packages-flash");
  if (message) {
    sessionStorage.removeItem("packages-flash");
    Spa.alertIn(flash, message, "success");
  }

  /* Keep the open tab in the address so a reload (or a created template) comes back to it. */
  document.querySelectorAll("#kind-tabs [data-bs-toggle=tab]").forEach((tab) => {
    tab.addEventListener("shown.bs.tab", () => {
      const url = new URL(window.location.href);
      url.searchParams.set("kind", tab.dataset.kind);
      history.replaceState(null, "", url);
    });
  });

  /* A number whose unit picks the field it is sent as: a validity in months or in days. */
  document.querySelectorAll("[data-unit-for]").forEach((unit) => {
    const input = document.getElementById(unit.dataset.unitFor);
    const follow = () => {
      input.name = unit.value;
      input.dataset.field = unit.value;
      input.max = unit.selectedOptions[0].dataset.max;
    };
    unit.addEventListener("change", follow);
    follow(); // a browser may restore the unit chosen before a reload
  });

  function bodyOf(form) {
    const body = {};
    for (const field of form.querySelectorAll("[name]")) {
      if (field.multiple) {
        body[field.name] = Array.from(field.selectedOptions, (option) => Number(option.value));
      } else if (field.value.trim() !== "") {
        body[field.name] = field.value.trim();
      }
    }
    return body;
  }

  for (const form of document.querySelectorAll(".template-form")) {
    const kind = form.dataset.kind;
    const alertBox = form.querySelector("[data-alert]");
    const preview = form.querySelector("[data-computed-preview]");

    if (preview) {
      /* The figures come from the server (the model's own compute), never from the browser. */
      let ticket = 0;
      const refresh = Spa.debounce(async () => {
        const params = new URLSearchParams({ package_type: kind });
        form.querySelectorAll("[data-compute]").forEach((input) => params.set(input.name, input.value));
        const mine = ++ticket;
        const { ok, data } = await Spa.getJSON(`/packages/computed?${params}`);
        if (mine !== ticket || !ok) return;
        const parts = [];
        if (data.free_sessions !== null && data.free_sessions !== undefined) {
          parts.push(Spa.el("span", { className: "me-3" }, "Free sessions: ", Spa.el("strong", { dataset: { computed: "free_sessions" } }, data.free_sessions)));
        }
        if (data.benefit_percent !== null && data.benefit_percent !== undefined) {
          parts.push(Spa.el("span", {}, "Benefit: ", Spa.el("strong", { dataset: { computed: "benefit_percent" } }, `${data.benefit_percent}%`)));
        }
        preview.replaceChildren(...(parts.length ? parts : [Spa.el("span", { className: "text-secondary" }, "Enter the figures to see free sessions and benefit %.")]));
      }, 200);
      form.querySelectorAll("[data-compute]").forEach((input) => input.addEventListener("input", refresh));
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      Spa.clearErrors(form);
      Spa.hide(alertBox);
      const button = form.querySelector("[type=submit]");
      button.disabled = true;
      const { ok, data } = await Spa.postJSON(form.dataset.api, bodyOf(form));
      if (!ok) {
        button.disabled = false;
        const loose = Spa.showFieldErrors(form, data.errors || {});
        Spa.alertIn(alertBox, Spa.refusal(data, loose, "The template could not be saved."));
        return;
      }
      const created = data.package || (Array.isArray(data.packages) ? data.packages[0] : null) || data;
      sessionStorage.setItem("packages-flash", `Template “${created.name || bodyOf(form).name}” created.`);
      const url = new URL(window.location.href);
      url.searchParams.set("kind", kind);
      window.location.assign(url);
    });
  }
})();
