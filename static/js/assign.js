/* /assign-packages: sell a template through POST /packages/api/assign-and-pay and show the receipt. */
"use strict";

(() => {
  const catalogue = Spa.readJSON("catalogue");
  const chosen = Spa.readJSON("chosen");
  const serviceKinds = new Set(Spa.readJSON("service-kinds")); // kinds whose service is chosen at sale
  const form = document.getElementById("assign-form");
  const alertBox = form.querySelector("[data-alert]");
  const kindSelect = form.querySelector("#package_type");
  const templateSelect = form.querySelector("#package_id");
  const serviceRow = form.querySelector("[data-service-row]");
  const serviceSelect = form.querySelector("#service_id");
  const expiresInput = form.querySelector("#expires_on");
  const templateInfo = form.querySelector("[data-template-info]");
  const priceLine = form.querySelector("[data-price-line]");
  const submit = document.getElementById("assign-submit");
  const pickerRoot = document.querySelector("[data-customer-picker]");
  const picker = Spa.customerPicker(pickerRoot, () => {});

  const isServicePackage = () => serviceKinds.has(kindSelect.value);
  const currentTemplate = () =>
    (catalogue[kindSelect.value] || []).find((entry) => String(entry.id) === templateSelect.value) || null;

  function fillTemplates() {
    const entries = catalogue[kindSelect.value] || [];
    templateSelect.replaceChildren(
      Spa.el("option", { value: "" }, kindSelect.value ? (entries.length ? "Choose a package…" : "No active package of this kind") : "Choose the kind first"),
      ...entries.map((entry) => Spa.el("option", { value: String(entry.id) }, entry.name))
    );
    templateSelect.disabled = !entries.length;
    serviceRow.classList.toggle("d-none", !isServicePackage());
    if (!isServicePackage()) serviceSelect.value = "";
    showTemplate();
  }

  /* Show what the server said about the template: validity, default expiry and price (no arithmetic here). */
  function showTemplate() {
    const entry = currentTemplate();
    templateInfo.textContent = entry ? `Validity: ${entry.validity}` : "";
    expiresInput.value = entry ? entry.expires_on : "";
    showPrice();
  }

  function showPrice() {
    const entry = currentTemplate();
    let price = null;
    if (entry && isServicePackage()) price = serviceSelect.value ? entry.price_by_service[serviceSelect.value] : null;
    else if (entry) price = entry.price;
    priceLine.replaceChildren();
    if (entry && isServicePackage() && !serviceSelect.value) {
      priceLine.append(Spa.el("span", { className: "text-secondary" }, "Choose the service to see the price."));
    } else if (price !== null) {
      priceLine.append("Price ", Spa.el("strong", { dataset: { price: "" } }, Spa.rupees(price)),
        Spa.el("span", { className: "text-secondary small ms-2" }, "before GST; the receipt shows the tax."));
    }
  }

  kindSelect.addEventListener("change", fillTemplates);
  templateSelect.addEventListener("change", showTemplate);
  serviceSelect.addEventListener("change", showPrice);

  /* Arrive from /packages with a template chosen (?package_type=...&package_id=...). */
  if (chosen.package_type) {
    kindSelect.value = chosen.package_type;
    fillTemplates();
    if (chosen.package_id) {
      templateSelect.value = String(chosen.package_id);
      showTemplate();
    }
  }
  if (chosen.customer) picker.set(chosen.customer);

  function requestBody() {
    const value = (name) => form.elements[name].value.trim();
    const customer = picker.get();
    const assignment = {
      customer_id: customer ? customer.id : null,
      package_type: value("package_type"),
      package_id: value("package_id") ? Number(value("package_id")) : null,
      notes: value("notes"),
    };
    if (isServicePackage()) assignment.service_id = value("service_id") ? Number(value("service_id")) : null;
    if (value("expires_on")) assignment.expires_on = value("expires_on");
    const payment = { collect: true, method: value("method"), reference: value("reference") };
    if (value("amount")) payment.amount = value("amount");
    return { assignment, payment, receipt: { generate: true, pdf: true } };
  }

  /* Say what is missing before bothering the server, in the words the server would use. */
  function missing(body) {
    const errors = {};
    if (!body.assignment.customer_id) errors.customer_id = ["Choose the customer, or add a new one."];
    if (!body.assignment.package_type) errors.package_type = ["Choose the kind of package."];
    else if (!body.assignment.package_id) errors.package_id = ["Choose the package to sell."];
    if (isServicePackage() && !body.assignment.service_id) errors.service_id = ["Choose the service this package covers."];
    return errors;
  }

  const resultCard = document.getElementById("sale-result");
  function showReceipt(data, body) {
    const customer = picker.get();
    resultCard.querySelector("[data-receipt-placeholder]").classList.add("d-none");
    resultCard.querySelector("[data-receipt]").classList.remove("d-none");
    const template = currentTemplate();
    resultCard.querySelector("[data-receipt-message]").textContent =
      `Sold ${template ? template.name : "the package"} to ${customer.name}. Receipt ${data.receipt_number || ""}.`;
    const frame = resultCard.querySelector("[data-receipt-frame]");
    // The side panel is narrow: show the 80 mm counter slip there; the A4 invoice is one click away.
    frame.src = `${data.receipt_url}?format=thermal`;
    resultCard.querySelector("[data-pdf]").href = data.receipt_pdf_url;
    resultCard.querySelector("[data-open-receipt]").href = data.receipt_url;
    resultCard.querySelector("[data-bill-customer]").href = `/integrated-billing?customer_id=${body.assignment.customer_id}`;
  }
  resultCard.querySelector("[data-print]").addEventListener("click", () => {
    const frame = resultCard.querySelector("[data-receipt-frame]");
    frame.contentWindow.focus();
    frame.contentWindow.print();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    Spa.clearErrors(form);
    Spa.clearErrors(pickerRoot);
    Spa.hide(alertBox);
    const body = requestBody();
    const problems = missing(body);
    if (Object.keys(problems).length) {
      Spa.showFieldErrors(form, problems);
      Spa.showFieldErrors(pickerRoot, problems);
      Spa.alertIn(alertBox, "Some details are missing: see the fields marked in red.");
      return;
    }
    submit.disabled = true;
    submit.textContent = "Selling…";
    const { ok, data } = await Spa.postJSON("/packages/api/assign-and-pay", body);
    submit.disabled = false;
    submit.textContent = "Assign & Collect Payment";
    if (!ok) {
      // The customer's messages belong next to the picker, which sits outside the form.
      const customerErrors = {};
      const rest = {};
      for (const [path, messages] of Object.entries(data.errors || {})) {
        (Spa.fieldName(path) === "customer_id" ? customerErrors : rest)[path] = messages;
      }
      Spa.showFieldErrors(pickerRoot, customerErrors);
      const loose = Spa.showFieldErrors(form, rest);
      Spa.alertIn(alertBox, Spa.refusal(data, loose, "The package could not be sold."));
      return;
    }
    showReceipt(data, body);
  });
})();
