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
  const markStale = () => {
    $("#counter-figures").dataset.state = "stale";
    $("#generate-invoice").disabled = true;
    showUpdating();
  };

  /* Every post of the cart goes through one queue, one at a time, and each reads the counter as it is when it
     leaves (issue 25 item 5). htmx binds a swapped-in form only when it settles (20 ms later), and an answer lands
     in the element its request aimed at, even when a later answer has replaced it; a change made in that window,
     or a post that replaced another's request, was shown on screen but never reached the server. */
  let queue = Promise.resolve();
  let waiting = 0; // posts queued or on their way
  let pause = null; // a typed change waiting for the typing to pause
  const changed = new Map(); // fields changed since the last post left: put back if the whole counter is redrawn

  const putBack = () => {
    const form = counter();
    changed.forEach((value, name) => {
      const field = form && form.elements.namedItem(name);
      if (!field || field instanceof RadioNodeList) return;
      if (field.type === "checkbox") field.checked = value;
      else field.value = value;
    });
  };

  const send = (values, whole) => {
    const form = counter();
    if (!form) return undefined;
    changed.clear(); // what they hold leaves with this post
    const target = whole ? "#counter" : "#counter-figures";
    return htmx.ajax("POST", form.dataset.cartUrl, { source: form, values, target, swap: "outerHTML" }).then(putBack);
  };

  // Post the cart: `whole` for a change of shape (a line, a payment row, the customer), answered by the whole counter.
  const postCart = (values = {}, whole = false) => {
    clearTimeout(pause); // this post carries every field typed so far
    pause = null;
    waiting += 1;
    queue = queue
      .then(() => send(values, whole))
      .catch(() => undefined)
      .then(() => {
        waiting -= 1;
        if (waiting || pause) markStale(); // an answer to an earlier post: more is on its way
      });
  };

  // A value typed or chosen: the totals go stale now, the cart is posted when the typing pauses.
  document.addEventListener("input", (event) => {
    const field = event.target;
    // Choosing from a catalogue list changes no figure: Add posts it.
    if (!counter() || !counter().contains(field) || field.matches("#add-service, #add-product")) return;
    if (field.closest("[data-bs-toggle]") || !field.name) return;
    changed.set(field.name, field.type === "checkbox" ? field.checked : field.value);
    markStale();
    clearTimeout(pause);
    pause = setTimeout(() => postCart(), field.matches("select, [type=checkbox]") ? 0 : 400);
  });
  document.addEventListener("submit", (event) => {
    if (event.target !== counter()) return;
    event.preventDefault();
    postCart();
  });
  // Add, Remove, "+ Split the payment": their answer is the whole counter.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-cart-post]");
    if (!button || button.disabled || !counter() || !counter().contains(button)) return;
    postCart(JSON.parse(button.dataset.cartPost), true);
  });
  // htmx wires swapped-in content up when it settles, 20 ms on: wire the counter now, so Generate or Alt+G pressed
  // the moment it is enabled is not a click on a dead button.
  document.body.addEventListener("htmx:afterSwap", () => {
    if (counter()) htmx.process(counter());
  });
  // A post of the cart is on its way: its totals too.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = counter();
    if (form && event.detail.elt === form && event.detail.pathInfo.requestPath === form.dataset.cartUrl) showUpdating();
  });

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
    postCart({ action: "customer", customer: id }, true);
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
