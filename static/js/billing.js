/* /integrated-billing: the counter. Every figure shown comes from the server:
   packages from /integrated-billing/customer-packages/<id>, lines and totals from
   /integrated-billing/preview, the invoice and new balances from /integrated-billing/invoices. */
"use strict";

(() => {
  const counter = Spa.readJSON("counter");
  const services = new Map(counter.services.map((s) => [String(s.id), s]));
  const products = new Map(counter.products.map((p) => [String(p.id), p]));
  // What each kind's balance counts ("sessions", "credit" or "") and its words: the server's (counter.kinds).
  const kindOf = (pkg) => counter.kinds[pkg.package_type] || { label: pkg.package_type, balance: "", balance_label: "" };
  const FIGURES = ["unit_price", "discount", "taxable_value", "gst_rate", "total"];

  const state = {
    customer: null,
    packages: [], // as customer-packages answers, updated from updated_packages
    lines: [], // {uid, type, id, name, quantity, staff_id, assignment_id}
    preview: null,
    previewUids: [], // the cart lines the preview answered, in order
    key: Spa.newKey(), // one Idempotency-Key per cart, kept across retries
    busy: false,
    lastInvoice: null,
  };
  let nextUid = 1;
  let previewTicket = 0;

  const $ = (selector, root = document) => root.querySelector(selector);
  const packagesBody = $("#packages-table tbody");
  const packagesHint = $("[data-packages-hint]");
  const packagesAlert = $("[data-packages-alert]");
  const cartBody = $("#cart tbody");
  const cartEmpty = $("[data-cart-empty]");
  const summaryState = $("[data-summary-state]");
  const invoiceAlert = $("[data-invoice-alert]");
  const generate = $("#generate-invoice");
  const discountInput = $("#bill-discount");
  const guestsInput = $("#bill-guests");
  const useCredit = $("#use-credit");
  const paymentsBox = $("#payments");
  const summaryCard = $("#summary-card");

  /* ---------- customer and packages ---------- */

  const pickerRoot = $("[data-customer-picker]");
  const picker = Spa.customerPicker(pickerRoot, (customer) => {
    state.customer = customer;
    state.key = Spa.newKey(); // a new customer starts a new cart
    state.lastInvoice = null;
    $("#last-invoice").classList.add("d-none");
    Spa.hide(invoiceAlert);
    loadPackages();
    loadLastReminder();
    refreshPackageChoices();
    schedulePreview();
  });

  /* The customer card's line about reminders: opted out, or the last one sent. */
  const lastReminder = $("[data-last-reminder]");
  const reminderLabels = Spa.readJSON("reminder-labels");

  async function loadLastReminder() {
    if (!lastReminder) return;
    lastReminder.classList.add("d-none");
    const customer = state.customer;
    if (!customer) return;
    if (customer.reminders_opt_out) {
      lastReminder.textContent = "Reminders: off (the customer opted out).";
      lastReminder.classList.remove("d-none");
      return;
    }
    const { ok, data } = await Spa.getJSON(`/api/notifications?customer_id=${customer.id}&status=sent`);
    if (!ok || state.customer !== customer) return;
    const last = (data.results || [])[0];
    lastReminder.textContent = last
      ? `Last reminder: ${reminderLabels.kinds[last.kind] || last.kind} by ${reminderLabels.channels[last.channel] || last.channel}, ${Spa.day(last.sent_at || last.created_at)}.`
      : "No reminder sent yet.";
    lastReminder.classList.remove("d-none");
  }

  async function loadPackages() {
    state.packages = [];
    Spa.hide(packagesAlert);
    if (!state.customer) {
      packagesHint.textContent = "Choose a customer to see their packages.";
      renderPackages();
      return;
    }
    packagesHint.textContent = "Loading…";
    const customerId = state.customer.id;
    const { ok, data } = await Spa.getJSON(`/integrated-billing/customer-packages/${customerId}?active=true`);
    if (!state.customer || state.customer.id !== customerId) return;
    if (!ok) {
      packagesHint.textContent = "";
      Spa.alertIn(packagesAlert, data.error || "The packages could not be loaded.");
      renderPackages();
      return;
    }
    state.packages = data.packages || [];
    await addChangedPackage(customerId);
    renderPackages();
    refreshPackageChoices();
  }

  /* Back from an after-sale page: show the package it changed even if it is no longer usable
     (refunded, transferred), with its new status. Once, for the customer the page came back to. */
  async function addChangedPackage(customerId) {
    const changed = counter.changed;
    counter.changed = null;
    if (!changed || !counter.customer || counter.customer.id !== customerId) return;
    if (state.packages.some((p) => String(assignmentIdOf(p)) === String(changed))) return;
    const { ok, data } = await Spa.getJSON(`/integrated-billing/customer-packages/${customerId}`);
    const pkg = ok ? (data.packages || []).find((p) => String(assignmentIdOf(p)) === String(changed)) : null;
    if (pkg) state.packages.push(pkg);
  }

  /* The after-sale buttons (managers): each opens its confirmation page in the admin, which comes back here. */
  function operationsMenu(pkg) {
    const id = assignmentIdOf(pkg);
    const operations = counter.operations.filter((op) => op.package_types.includes(pkg.package_type) && op.statuses.includes(pkg.status));
    if (!operations.length) return "";
    const back = `/integrated-billing?customer_id=${state.customer.id}&changed=${id}`;
    const items = operations.map((op) =>
      Spa.el("li", {}, Spa.el("a", {
        className: "dropdown-item", dataset: { operation: op.name },
        href: `${op.url_pattern.replace("/0/", `/${id}/`)}?next=${encodeURIComponent(back)}`,
      }, op.label)));
    return Spa.el("div", { className: "dropdown d-inline-block" },
      Spa.el("button", { type: "button", className: "btn btn-outline-secondary btn-sm dropdown-toggle", dataset: { bsToggle: "dropdown", bsPopperConfig: '{"strategy":"fixed"}', manage: "" }, "aria-expanded": "false" }, "Manage"),
      Spa.el("ul", { className: "dropdown-menu dropdown-menu-end" }, ...items));
  }

  const assignmentIdOf = (pkg) => pkg.assignment_id ?? pkg.id;

  function balanceCell(pkg) {
    const sessions = pkg.sessions || {};
    const credit = pkg.credit || {};
    let text;
    let bar = null; // [value, max] straight from the server; <progress> draws it
    const kind = kindOf(pkg);
    if (kind.balance === "sessions") {
      text = `${sessions.remaining}/${sessions.total} sessions`;
      bar = [sessions.remaining, sessions.total];
    } else if (kind.balance === "credit") {
      text = `${Spa.rupees(credit.remaining)} of ${Spa.rupees(credit.total)}`;
      bar = [credit.remaining, credit.total];
    } else {
      text = kind.balance_label;
    }
    const cell = Spa.el("td", { className: "balance-col" }, Spa.el("div", { dataset: { balance: "" }, className: "small fw-semibold" }, text));
    if (bar && Number(bar[1]) > 0) {
      cell.append(Spa.el("progress", { className: "balance-bar", value: String(bar[0]), max: String(bar[1]), "aria-label": text }));
    }
    return cell;
  }

  function statusChip(status) {
    return Spa.el("span", { className: `badge status-chip status-${status}`, dataset: { status } }, counter.statuses[status] || status);
  }

  function renderPackages() {
    packagesBody.replaceChildren();
    if (state.customer && !state.packages.length) {
      packagesHint.textContent = "No packages for this customer.";
    } else if (state.customer) {
      packagesHint.textContent = `${state.packages.length} package${state.packages.length === 1 ? "" : "s"}`;
    }
    for (const pkg of state.packages) {
      const id = assignmentIdOf(pkg);
      packagesBody.append(
        Spa.el("tr", { dataset: { assignmentId: id, packageType: pkg.package_type } },
          Spa.el("td", { className: "fw-semibold" }, pkg.name),
          Spa.el("td", { className: "small" }, kindOf(pkg).label),
          Spa.el("td", { className: "small" }, pkg.service_name || "—"),
          balanceCell(pkg),
          Spa.el("td", { className: "small text-nowrap" }, Spa.day(pkg.expires_on)),
          Spa.el("td", {}, statusChip(pkg.status)),
          Spa.el("td", { className: "text-end" },
            Spa.el("button", { type: "button", className: "btn btn-link btn-sm text-nowrap", dataset: { action: "history" }, title: "Usage history", onclick: () => openHistory(pkg) }, "History"),
            operationsMenu(pkg))
        )
      );
    }
  }

  function applyUpdatedPackages(updated) {
    let unknown = false;
    for (const change of updated || []) {
      const pkg = state.packages.find((p) => String(assignmentIdOf(p)) === String(change.assignment_id));
      if (!pkg) {
        unknown = true;
        continue;
      }
      if (change.sessions) pkg.sessions = change.sessions;
      if (change.credit) pkg.credit = change.credit;
      if (change.status) pkg.status = change.status;
    }
    renderPackages();
    refreshPackageChoices();
    if (unknown) loadPackages();
  }

  /* ---------- usage history ---------- */

  // Modals say when they are fully open or closed (Bootstrap ignores a close during the fade in).
  document.querySelectorAll(".modal").forEach((modal) => {
    modal.addEventListener("shown.bs.modal", () => (modal.dataset.open = "true"));
    modal.addEventListener("hidden.bs.modal", () => (modal.dataset.open = "false"));
  });

  const usageModal = new bootstrap.Modal($("#usage-modal"));
  const balanceAfter = (pkg, value) =>
    value === null || value === undefined ? "—" : kindOf(pkg).balance === "credit" ? Spa.rupees(value) : String(value);
  async function openHistory(pkg) {
    const body = $("#usage-table tbody");
    const alertBox = $("[data-usage-alert]");
    $("#usage-modal-title").textContent = `Usage history: ${pkg.name}`;
    body.replaceChildren(Spa.el("tr", {}, Spa.el("td", { colSpan: 8, className: "text-secondary" }, "Loading…")));
    Spa.hide(alertBox);
    usageModal.show();
    const { ok, data } = await Spa.getJSON(`/integrated-billing/package-usage/${assignmentIdOf(pkg)}`);
    body.replaceChildren();
    if (!ok) {
      Spa.alertIn(alertBox, data.error || "The history could not be loaded.");
      return;
    }
    if (!(data.usage || []).length) {
      body.append(Spa.el("tr", {}, Spa.el("td", { colSpan: 8, className: "text-secondary" }, "Not used yet.")));
    }
    for (const row of data.usage || []) {
      body.append(
        Spa.el("tr", { dataset: { usage: "" } },
          Spa.el("td", {}, row.invoice_number || "—"),
          Spa.el("td", { className: "text-nowrap" }, Spa.day(row.date)),
          Spa.el("td", {}, row.item_name || ""),
          Spa.el("td", { className: "text-end" }, row.quantity ?? ""),
          Spa.el("td", { className: "text-end" }, row.amount != null && row.amount !== "" ? Spa.rupees(row.amount) : "—"),
          Spa.el("td", { className: "text-end" }, balanceAfter(pkg, row.balance_after)),
          Spa.el("td", { className: "small", dataset: { by: "" } }, row.by || "—"),
          Spa.el("td", { className: "small", dataset: { reason: "" } }, row.reason || ""))
      );
    }
  }

  /* ---------- cart ---------- */

  function addLine(type, id) {
    const item = (type === "service" ? services : products).get(String(id));
    if (!item) return;
    state.lines.push({ uid: nextUid++, type, id: item.id, name: item.name, price: item.price, quantity: 1, staff_id: null, assignment_id: undefined });
    renderCart();
    schedulePreview();
  }

  $("#add-service-button").addEventListener("click", () => {
    const select = $("#add-service");
    if (select.value) addLine("service", select.value);
    select.value = "";
  });
  $("#add-product-button").addEventListener("click", () => {
    const select = $("#add-product");
    if (select.value) addLine("product", select.value);
    select.value = "";
  });

  function packageOptions(line) {
    const options = [Spa.el("option", { value: "" }, "Auto (best)"), Spa.el("option", { value: "0" }, "No package")];
    for (const pkg of state.packages) {
      if (pkg.status !== "active") continue;
      options.push(Spa.el("option", { value: String(assignmentIdOf(pkg)) }, pkg.name));
    }
    return options;
  }

  function refreshPackageChoices() {
    cartBody.querySelectorAll("tr[data-line]").forEach((row) => {
      const line = state.lines.find((l) => String(l.uid) === row.dataset.line);
      const select = $("select[data-package-choice]", row);
      if (!line || !select) return;
      select.replaceChildren(...packageOptions(line));
      select.value = line.assignment_id === undefined ? "" : String(line.assignment_id);
    });
  }

  function renderCart() {
    cartBody.replaceChildren();
    cartEmpty.classList.toggle("d-none", state.lines.length > 0);
    state.lines.forEach((line, index) => {
      const staffSelect = Spa.el("select", { className: "form-select form-select-sm", "aria-label": "Staff", dataset: { staff: "" } },
        Spa.el("option", { value: "" }, "—"),
        ...counter.staff.map((person) => Spa.el("option", { value: String(person.id) }, person.name)));
      staffSelect.value = line.staff_id ? String(line.staff_id) : "";
      staffSelect.addEventListener("change", () => {
        line.staff_id = staffSelect.value ? Number(staffSelect.value) : null;
        schedulePreview();
      });
      const quantity = Spa.el("input", { type: "number", min: "1", step: "1", className: "form-control form-control-sm", value: String(line.quantity), "aria-label": "Quantity", dataset: { quantity: "" } });
      quantity.addEventListener("input", () => {
        const value = parseInt(quantity.value, 10);
        line.quantity = Number.isFinite(value) ? value : quantity.value;
        schedulePreview();
      });
      const choice = Spa.el("select", { className: "form-select form-select-sm", "aria-label": "Package for this line", dataset: { packageChoice: "" } }, ...packageOptions(line));
      choice.value = line.assignment_id === undefined ? "" : String(line.assignment_id);
      choice.addEventListener("change", () => {
        line.assignment_id = choice.value === "" ? undefined : Number(choice.value);
        schedulePreview();
      });
      const remove = Spa.el("button", { type: "button", className: "btn btn-sm btn-link text-danger", "aria-label": `Remove ${line.name}`, onclick: () => {
        state.lines.splice(state.lines.indexOf(line), 1);
        renderCart();
        schedulePreview();
      } }, "✕");
      cartBody.append(
        Spa.el("tr", { dataset: { line: line.uid, type: line.type } },
          Spa.el("td", {}, Spa.el("div", { className: "fw-semibold" }, line.name), Spa.el("div", { dataset: { badge: "" } })),
          Spa.el("td", { className: "staff-col" }, staffSelect),
          Spa.el("td", { className: "qty-col" }, quantity),
          Spa.el("td", { className: "package-col" }, choice),
          ...FIGURES.map((key) => Spa.el("td", { className: "text-end text-nowrap", dataset: { lineFigure: key } })),
          Spa.el("td", { className: "text-end" }, remove))
      );
    });
    paintLines();
    updateButton();
  }

  /* Write the server's figures and badge into each cart row, in place (typing keeps its focus). */
  function paintLines() {
    const rows = cartBody.querySelectorAll("tr[data-line]");
    rows.forEach((row, index) => {
      const line = serverLine(index);
      const local = state.lines[index];
      for (const key of FIGURES) {
        const cell = $(`[data-line-figure="${key}"]`, row);
        if (!line) cell.textContent = key === "unit_price" ? Spa.rupees(local.price) : "…";
        else cell.textContent = key === "gst_rate" ? `${line.gst_rate}%` : Spa.rupees(line[key]);
      }
      $("[data-badge]", row).replaceChildren(badgeFor(index));
    });
  }

  /* The server's line, matched by position (the preview answers the items in the order sent). */
  function serverLine(index) {
    if (!state.preview || !state.preview.lines || !state.lines[index]) return null;
    // A preview made before a line was added or removed says nothing about this row.
    if (state.previewUids[index] !== state.lines[index].uid) return null;
    return state.preview.lines[index];
  }

  function badgeFor(index) {
    const line = serverLine(index);
    if (!line) return "";
    if (line.package_applied) {
      const covered = line.package_applied.quantity_covered;
      return Spa.el("span", { className: "badge package-badge", title: line.package_note || "" },
        `Package Applied: ${line.package_applied.name}`,
        covered && String(covered) !== String(line.quantity) ? ` (${covered} of ${line.quantity})` : "");
    }
    // Why not is on hover (the title), as the server put it; screen readers get it as text.
    const why = line.package_note || "No package applies.";
    return Spa.el("span", { className: "badge no-package-badge", title: why, tabIndex: 0 },
      "No package", Spa.el("span", { className: "visually-hidden" }, `: ${why}`));
  }

  /* Put "items.N.field" messages on the cart row they belong to; return the other errors. */
  function showLineErrors(errors) {
    const rest = {};
    const rows = cartBody.querySelectorAll("tr[data-line]");
    for (const [path, messages] of Object.entries(errors || {})) {
      const match = /^items\.(\d+)(?:\.(\w+))?$/.exec(path);
      const row = match ? rows[Number(match[1])] : null;
      if (!row) {
        rest[path] = messages;
        continue;
      }
      const field = match[2];
      if (field === "quantity") $("[data-quantity]", row).classList.add("is-invalid");
      if (field === "staff_id") $("[data-staff]", row).classList.add("is-invalid");
      if (field === "assignment_id") $("[data-package-choice]", row).classList.add("is-invalid");
      $("[data-badge]", row).replaceChildren(Spa.el("span", { className: "small text-danger", dataset: { lineError: "" } }, messages.join(" ")));
    }
    return rest;
  }

  /* ---------- preview and summary ---------- */

  function cartBody_() {
    const body = {
      customer_id: state.customer ? state.customer.id : null,
      items: state.lines.map((line) => {
        const item = { type: line.type, id: line.id, quantity: line.quantity, staff_id: line.staff_id };
        if (line.assignment_id !== undefined) item.assignment_id = line.assignment_id;
        return item;
      }),
      discount: discountInput.value.trim() || "0.00",
      use_credit: useCredit.checked,
      guests: guestsInput.value.trim() ? Number(guestsInput.value) : null,
    };
    return body;
  }

  function showSummary(summary) {
    document.querySelectorAll("[data-summary]").forEach((node) => {
      const value = summary ? summary[node.dataset.summary] : null;
      node.textContent = value === null || value === undefined ? "—" : Spa.rupees(value);
      node.dataset.value = value ?? "";
    });
  }

  const debouncedPreview = Spa.debounce(runPreview, 250);
  function schedulePreview() {
    previewTicket++; // an answer to an earlier cart, still in flight, is now stale
    summaryCard.dataset.state = "pending";
    debouncedPreview();
  }

  async function runPreview() {
    const ticket = previewTicket;
    // Right after an invoice the summary shows the invoice's totals until the next cart starts.
    if (!state.lines.length && summaryCard.dataset.state === "invoiced") return;
    const uids = state.lines.map((line) => line.uid);
    Spa.clearErrors(summaryCard);
    if (!state.customer || !state.lines.length) {
      state.preview = null;
      showSummary(null);
      summaryState.textContent = !state.customer ? "Choose a customer to start a bill." : "Add services or products to see the totals.";
      summaryState.className = "small text-secondary mb-2";
      summaryCard.dataset.state = "empty";
      paintLines();
      return;
    }
    summaryState.textContent = "Updating totals…";
    summaryState.className = "small text-secondary mb-2";
    summaryCard.classList.add("is-updating");
    const { ok, data } = await Spa.postJSON("/integrated-billing/preview", cartBody_());
    if (ticket !== previewTicket) return;
    summaryCard.classList.remove("is-updating");
    if (!ok) {
      state.preview = null;
      showSummary(null);
      paintLines();
      cartBody.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
      const loose = Spa.showFieldErrors(summaryCard, showLineErrors(data.errors));
      summaryState.textContent = Spa.refusal(data, loose, "The totals could not be worked out.");
      summaryState.className = "small text-danger mb-2";
      summaryState.setAttribute("role", "alert");
      summaryCard.dataset.state = "error";
      return;
    }
    summaryState.removeAttribute("role");
    cartBody.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
    state.preview = data;
    state.previewUids = uids;
    showSummary(data.summary);
    summaryState.textContent = "Totals from the server, up to date.";
    summaryState.className = "small text-success mb-2";
    summaryCard.dataset.state = "fresh";
    paintLines();
  }

  for (const input of [discountInput, guestsInput]) input.addEventListener("input", schedulePreview);
  useCredit.addEventListener("change", schedulePreview);

  /* ---------- payments ---------- */

  function addPaymentRow() {
    const method = Spa.el("select", { className: "form-select form-select-sm", "aria-label": "Payment method", dataset: { paymentMethod: "" } },
      ...counter.payment_methods.map(([value, label]) => Spa.el("option", { value }, label)));
    const amount = Spa.el("input", { type: "number", min: "0", step: "0.01", className: "form-control form-control-sm", placeholder: "Rest", "aria-label": "Amount", dataset: { paymentAmount: "" } });
    const reference = Spa.el("input", { type: "text", className: "form-control form-control-sm", placeholder: "Reference", "aria-label": "Reference", dataset: { paymentReference: "" } });
    const row = Spa.el("div", { className: "input-group input-group-sm mb-1 payment-row" }, method, amount, reference);
    if (paymentsBox.children.length) {
      row.append(Spa.el("button", { type: "button", className: "btn btn-outline-secondary", "aria-label": "Remove payment", onclick: () => row.remove() }, "✕"));
    }
    paymentsBox.append(row);
  }
  addPaymentRow();
  $("#add-payment").addEventListener("click", addPaymentRow);

  function paymentsOf() {
    return Array.from(paymentsBox.querySelectorAll(".payment-row"), (row) => {
      const payment = { method: $("[data-payment-method]", row).value, reference: $("[data-payment-reference]", row).value.trim() };
      const amount = $("[data-payment-amount]", row).value.trim();
      if (amount) payment.amount = amount;
      return payment;
    });
  }

  /* ---------- invoice ---------- */

  function updateButton() {
    generate.disabled = state.busy || !state.customer || !state.lines.length;
  }

  const receiptModal = new bootstrap.Modal($("#receipt-modal"));
  function openReceipt(invoice) {
    $("#receipt-modal-title").textContent = `Receipt ${invoice.receipt_number || ""} · Invoice ${invoice.invoice_number}`;
    $("#receipt-modal [data-receipt-frame]").src = invoice.receipt_url;
    $("#receipt-modal [data-receipt-pdf]").href = invoice.receipt_pdf_url;
    receiptModal.show();
  }
  $("#receipt-modal [data-receipt-print]").addEventListener("click", () => {
    const frame = $("#receipt-modal [data-receipt-frame]");
    frame.contentWindow.focus();
    frame.contentWindow.print();
  });
  $("[data-open-last-receipt]").addEventListener("click", () => state.lastInvoice && openReceipt(state.lastInvoice));

  generate.addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    updateButton();
    generate.textContent = "Issuing…";
    Spa.hide(invoiceAlert);
    Spa.clearErrors(summaryCard);
    const body = { ...cartBody_(), payments: paymentsOf() };
    const { ok, data } = await Spa.postJSON("/integrated-billing/invoices", body, { "Idempotency-Key": state.key });
    state.busy = false;
    generate.textContent = "Generate Invoice";
    if (!ok) {
      updateButton();
      const loose = Spa.showFieldErrors(summaryCard, showLineErrors(data.errors));
      Spa.alertIn(invoiceAlert, Spa.refusal(data, loose, "The invoice could not be issued."));
      return;
    }
    // The cart is billed: start a new one with a fresh key, and show what changed.
    state.key = Spa.newKey();
    state.lastInvoice = data;
    state.lines = [];
    state.preview = null;
    previewTicket++; // a preview still in flight belongs to the billed cart
    summaryCard.dataset.state = "invoiced";
    discountInput.value = "";
    guestsInput.value = "";
    paymentsBox.replaceChildren();
    addPaymentRow();
    applyUpdatedPackages(data.updated_packages);
    renderCart();
    showSummary(data.summary);
    summaryState.textContent = `Invoice ${data.invoice_number} issued: totals above are the invoice's.`;
    summaryState.className = "small text-success mb-2";
    const last = $("#last-invoice");
    last.classList.remove("d-none");
    $("[data-last-number]", last).textContent = data.invoice_number;
    const chip = $("[data-last-status]", last);
    chip.textContent = "Issued";
    chip.className = "badge status-chip status-active ms-1";
    const voidButton = $("#void-invoice");
    if (voidButton) voidButton.disabled = false;
    openReceipt(data);
  });

  /* ---------- void (managers) ---------- */

  const voidForm = $("#void-form");
  if (voidForm) {
    const voidModal = new bootstrap.Modal($("#void-modal"));
    const voidAlert = $("[data-alert]", voidForm);
    $("#void-invoice").addEventListener("click", () => {
      if (!state.lastInvoice) return;
      Spa.clearErrors(voidForm);
      Spa.hide(voidAlert);
      voidForm.reset();
      $("[data-void-number]", voidForm).textContent = state.lastInvoice.invoice_number;
      voidModal.show();
    });
    voidForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      Spa.clearErrors(voidForm);
      Spa.hide(voidAlert);
      const reason = $("#void-reason").value.trim();
      if (!reason) {
        Spa.showFieldErrors(voidForm, { reason: ["Say why the invoice is voided."] });
        return;
      }
      const confirm = $("#void-confirm");
      confirm.disabled = true;
      const { ok, data } = await Spa.postJSON(`/integrated-billing/invoices/${state.lastInvoice.invoice_id}/void`, { reason });
      confirm.disabled = false;
      if (!ok) {
        const loose = Spa.showFieldErrors(voidForm, data.errors || {});
        Spa.alertIn(voidAlert, Spa.refusal(data, loose, "The invoice could not be voided."));
        return;
      }
      voidModal.hide();
      applyUpdatedPackages(data.updated_packages);
      const chip = $("#last-invoice [data-last-status]");
      chip.textContent = "Voided";
      chip.className = "badge status-chip status-expired ms-1";
      $("#void-invoice").disabled = true;
      Spa.alertIn(invoiceAlert, `Invoice ${state.lastInvoice.invoice_number} voided; what it took is given back.`, "warning");
    });
  }

  if (counter.customer) picker.set(counter.customer);
  renderCart();
})();
