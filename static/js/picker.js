/* The customer picker (templates/customers/picker.html): the keyboard picks a result.
   Enter in the search picks the first result (or the one the arrows reached); the arrows move
   between the results and back up to the search; Escape goes back to the search. */
"use strict";

(() => {
  const results = (picker) => [...picker.querySelectorAll("[data-customer-results] button[data-customer-id]")];

  document.addEventListener("keydown", (event) => {
    const picker = event.target.closest && event.target.closest("[data-customer-picker]");
    if (!picker) return;
    const query = picker.querySelector("[data-customer-query]");
    const buttons = results(picker);
    const onQuery = event.target === query;
    const at = buttons.indexOf(event.target);
    if (!onQuery && at < 0) return;

    if (event.key === "ArrowDown" && buttons.length) {
      event.preventDefault();
      buttons[Math.min(at + 1, buttons.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? query : buttons[at - 1]).focus();
    } else if (event.key === "Escape" && at >= 0) {
      event.preventDefault();
      query.focus();
    } else if (event.key === "Enter" && onQuery && buttons.length) {
      event.preventDefault();
      buttons[0].click();
    }
  });
})();
