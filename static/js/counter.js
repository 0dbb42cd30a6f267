/* /integrated-billing: what htmx cannot do. The server renders every figure and error; this only keeps
   stale totals from being issued, moves focus, adds shortcuts, opens the receipt, asks before leaving. */
"use strict";

(() => {
  const $ = (selector) => document.querySelector(selector);
  const counter = () => $("#counter");

  // While the totals update, the big Payable and the line under Generate say so (the server's answer redraws both).
  const showUpdating = () => {
    const payable = $("[data-payable]");
    if (payable) {
      payable.textContent = "Updating…";
      payable.dataset.updating = "true";
    }
    const reason = $("#generate-reason");
    if (reason) {
      reason.textContent = "Updating the totals…";
      reason.classList.remove("text-danger", "text-success");
      reason.classList.add("text-body");
    }
  };

  // From the first keystroke until the server answers, the totals shown are stale: no Generate on them.
  const markStale = (event) => {
    if (!counter() || !counter().contains(event.target) || event.target.closest("[data-bs-toggle]")) return;
    $("#counter-figures").dataset.state = "stale";
    $("#generate-invoice").disabled = true;
    showUpdating();
    htmx.trigger(counter(), "htmx:abort"); // an answer to the cart before this keystroke is stale too
  };
  // A line added or removed, a payment split: the cart is posted and its totals are on their way too.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = counter();
    if (form && form.contains(event.detail.elt) && event.detail.pathInfo.requestPath === form.dataset.cartUrl) showUpdating();
  });
  document.addEventListener("input", markStale);
  // Choosing from a catalogue list changes no figure: it must not post the cart (and abort an Add in flight).
  document.addEventListener("input", (event) => {
    if (event.target.matches("#add-service, #add-product")) event.stopPropagation();
  }, true);

  // A refusal (400) or "the totals changed" (409) brings the counter to show, with the reason in it.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if ([400, 409].includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The server names the next useful field after each step.
  document.body.addEventListener("counter-focus", (event) => {
    const next = $(event.detail.value);
    if (next) next.focus();
  });

  // The customer picker (the pages' include) says who was picked; the counter takes it.
  document.body.addEventListener("customer-picked", (event) => {
    const form = counter();
    const id = event.detail && event.detail.id ? String(event.detail.id) : "";
    if (!form || form.dataset.customer === id) return;
    htmx.ajax("POST", form.dataset.cartUrl, { source: form, values: { action: "customer", customer: id }, target: "#counter", swap: "outerHTML" });
  });

  // Enter on a catalogue list adds the chosen item; Alt+G or Ctrl+Enter generates the invoice.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("#add-service, #add-product")) {
      event.preventDefault();
      $(`#${event.target.id}-button`).click();
    } else if ((event.altKey && event.key.toLowerCase() === "g") || (event.ctrlKey && event.key === "Enter")) {
      const generate = $("#generate-invoice");
      event.preventDefault();
      if (generate && !generate.disabled) generate.click();
    }
  });

  // The receipt opens in the pop-up: after an invoice (the server's event) and from Receipt/Reprint.
  const receiptModal = $("#receipt-modal");
  const openReceipt = (url, title) => {
    receiptModal.querySelector("[data-receipt-frame]").src = url;
    $("#receipt-modal-title").textContent = title || "Receipt";
    bootstrap.Modal.getOrCreateInstance(receiptModal).show();
  };
  document.body.addEventListener("receipt-issued", (event) => openReceipt(event.detail.url, event.detail.title));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-receipt-url]");
    if (button) openReceipt(button.dataset.receiptUrl, button.dataset.receiptTitle);
  });
  // Bootstrap ignores a close during the fade in: say when the pop-up is fully open.
  receiptModal.addEventListener("shown.bs.modal", () => (receiptModal.dataset.open = "true"));
  receiptModal.addEventListener("hidden.bs.modal", () => {
    receiptModal.dataset.open = "false";
    // After an invoice the customer is cleared: the next one is searched for.
    const next = $("#customer-query") || $("#add-service");
    if (next) next.focus();
  });

  // The cart is kept by the server, but leaving a bill half-made deserves a question.
  window.addEventListener("beforeunload", (event) => {
    if (counter() && counter().querySelector("tr[data-line]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
