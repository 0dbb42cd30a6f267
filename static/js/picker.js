/* The customer picker (templates/customers/picker.html): the keyboard picks a result (issue 25 item 7).
   The search keeps the focus; the arrow keys move a highlight through the results (aria-activedescendant
   names it) and Enter picks it, or the first result. Enter pressed before the results for what was typed
   have come (the search waits for a pause, or is still answering) is kept and done when they come, so a
   fast Enter never picks from older results or is lost. */
"use strict";

(() => {
  const options = (picker) => [...picker.querySelectorAll("[data-customer-results] [data-customer-id]")];
  const queryOf = (picker) => picker.querySelector("[data-customer-query]");

  // The results on screen answer what is typed now (the server names the search they answer).
  const answered = (picker) => {
    const answer = picker.querySelector("[data-customer-results] [data-results-for]");
    return Boolean(answer) && answer.dataset.resultsFor === queryOf(picker).value.trim();
  };

  const highlight = (picker, option) => {
    options(picker).forEach((each) => {
      each.classList.toggle("active", each === option);
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    const query = queryOf(picker);
    if (option) query.setAttribute("aria-activedescendant", option.id);
    else query.removeAttribute("aria-activedescendant");
  };

  const highlighted = (picker) => options(picker).find((option) => option.classList.contains("active"));

  // Pick through the picker itself, not the result's button: a later answer may replace the button.
  const pick = (picker) => {
    const option = highlighted(picker) || options(picker)[0];
    delete picker.dataset.pickPending;
    if (!option) return;
    const url = option.getAttribute("hx-get");
    htmx.ajax("GET", url, { source: picker, target: picker, swap: "outerHTML" });
  };

  document.addEventListener("keydown", (event) => {
    const query = event.target.closest && event.target.closest("[data-customer-query]");
    if (!query) return;
    const picker = query.closest("[data-customer-picker]");
    const all = options(picker);
    const at = all.indexOf(highlighted(picker));
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      highlight(picker, all[Math.min(at + 1, all.length - 1)]);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      highlight(picker, at > 0 ? all[at - 1] : null);
    } else if (event.key === "Escape") {
      highlight(picker, null);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (answered(picker)) {
        pick(picker);
      } else {
        picker.dataset.pickPending = "true";
        htmx.trigger(query, "search"); // ask now, not after the typing pause
      }
    }
  });

  // New results: no highlight yet; an Enter kept for them picks now.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const results = event.detail.target;
    if (!results.matches || !results.matches("[data-customer-results]")) return;
    const picker = results.closest("[data-customer-picker]");
    if (!picker) return;
    highlight(picker, null);
    queryOf(picker).setAttribute("aria-expanded", options(picker).length ? "true" : "false");
    if (picker.dataset.pickPending && answered(picker)) pick(picker);
  });
})();
