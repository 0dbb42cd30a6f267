/* Helpers shared by the pages: JSON calls with the session's CSRF token, field errors, rupees. */
"use strict";

const Spa = (() => {
  function cookie(name) {
    const match = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith(name + "="));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  /* Call a JSON endpoint; resolve to {ok, status, data} whatever the answer (never throws on 4xx). */
  async function call(method, url, body, headers = {}) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", ...headers },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET") options.headers["X-CSRFToken"] = cookie("csrftoken");
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      return { ok: false, status: 0, data: { success: false, error: "The server cannot be reached. Check the connection and try again." } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = { success: false, error: `The server answered ${response.status} without details.` };
    }
    if (!response.ok && data && !data.error) {
      data.error = data.detail || `The server refused the request (${response.status}).`;
    }
    return { ok: response.ok, status: response.status, data };
  }

  const getJSON = (url) => call("GET", url);
  const postJSON = (url, body, headers) => call("POST", url, body, headers);

  /* Write a decimal string from the server the Indian way (₹1,05,400.00); no arithmetic.
     The string goes to Intl as it is, so no amount passes through a float; "-0.00" is ₹0.00,
     as on the server. */
  const INR = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", signDisplay: "negative" });
  function rupees(value) {
    if (value === null || value === undefined || value === "") return "—";
    return INR.format(String(value));
  }

  /* Write a server date ("2027-05-23", or a timestamp) as 23 May 2027; no date arithmetic. */
  function day(value) {
    if (!value) return "—";
    const date = new Date(String(value).length === 10 ? `${value}T00:00:00` : value);
    if (Number.isNaN(date.getTime())) return String(value);
    return date.toLocaleDateString("en-IN", { day: "numeric", month: "short", year: "numeric" });
  }

  /* Build an element: el("td", {className: "x", dataset: {id: 1}}, "text", child). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "className") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== "string") node[key] = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* The field a dotted error path names: "assignment.service_id" -> "service_id". */
  function fieldName(path) {
    const parts = String(path).split(".").filter((part) => !/^\d+$/.test(part));
    return parts.length ? parts[parts.length - 1] : String(path);
  }

  function clearErrors(scope) {
    scope.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
    scope.querySelectorAll("[data-error-for]").forEach((node) => {
      node.textContent = "";
      node.classList.add("d-none");
    });
  }

  /* Put each field's messages next to the field; return the messages no field took. */
  function showFieldErrors(scope, errors, aliases = {}) {
    const loose = [];
    // The server's `errors` is already flat: {"assignment.service_id": ["..."]}.
    for (const [rawKey, messages] of Object.entries(errors || {})) {
      // The API names fields by their path in the body ("assignment.service_id"); try the
      // whole path first, then the field's own name.
      let key = aliases[rawKey] || rawKey;
      let slot = scope.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
      if (!slot) {
        key = fieldName(rawKey);
        slot = scope.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
      }
      if (!slot) {
        loose.push(...messages);
        continue;
      }
      slot.textContent = messages.join(" ");
      slot.classList.remove("d-none");
      scope.querySelectorAll(`[data-field="${CSS.escape(key)}"]`).forEach((field) => field.classList.add("is-invalid"));
    }
    return loose;
  }

  /* The sentence a cashier reads for a refusal: the API's `error` without its field path, then
     any field message that found no field to sit next to. */
  function refusal(data, loose = [], fallback = "The request was refused.") {
    let message = (data && data.error) || "";
    const match = /^([\w.]+): ([\s\S]*)$/.exec(message);
    if (match && data.errors && match[1] in data.errors) message = match[2];
    const extra = loose.filter((item) => item !== message);
    return [message, ...extra].filter(Boolean).join(" ") || fallback;
  }

  /* Show a message in an alert box (role=alert) near the action; kind is a Bootstrap colour. */
  function alertIn(box, message, kind = "danger") {
    if (!box) return;
    box.className = `alert alert-${kind} mt-2`;
    box.textContent = message;
    box.classList.remove("d-none");
  }

  function hide(box) {
    if (box) box.classList.add("d-none");
  }

  function debounce(fn, wait = 250) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), wait);
    };
  }

  /* A random key (UUID v4 form); crypto.randomUUID needs a secure context, getRandomValues does not. */
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* The list a DRF endpoint answers, paginated ({results}) or not. */
  function resultsOf(data) {
    if (Array.isArray(data)) return data;
    if (data && Array.isArray(data.results)) return data.results;
    if (data && Array.isArray(data.customers)) return data.customers;
    return [];
  }

  /* Customer search box: type a name or phone, pick from the list. onPick(customer) is called. */
  function customerSearch(root, onPick) {
    const input = root.querySelector("[data-customer-query]");
    const list = root.querySelector("[data-customer-results]");
    let latest = 0;
    const search = debounce(async () => {
      const query = input.value.trim();
      const ticket = ++latest;
      if (query.length < 2) {
        list.replaceChildren();
        list.classList.add("d-none");
        return;
      }
      const { ok, data } = await getJSON(`/api/customers?search=${encodeURIComponent(query)}`);
      if (ticket !== latest) return;
      list.replaceChildren();
      const customers = ok ? resultsOf(data) : [];
      if (!ok) {
        list.append(el("div", { className: "list-group-item text-danger small" }, data.error));
      } else if (!customers.length) {
        list.append(el("div", { className: "list-group-item text-secondary small" }, "No customer matches. Add a new one."));
      }
      for (const customer of customers.slice(0, 8)) {
        list.append(
          el(
            "button",
            {
              type: "button",
              className: "list-group-item list-group-item-action",
              dataset: { customerId: customer.id },
              onclick: () => {
                list.classList.add("d-none");
                input.value = "";
                onPick(customer);
              },
            },
            el("span", { className: "fw-semibold" }, customer.name),
            " ",
            el("span", { className: "text-secondary small" }, customer.phone || "")
          )
        );
      }
      list.classList.remove("d-none");
    }, 250);
    input.addEventListener("input", search);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const first = list.querySelector("button");
        if (first) first.click();
      }
    });
  }

  /* The inline "new customer" form: POST /api/customers, then onCreated(customer). */
  function newCustomerForm(form, onCreated) {
    const alertBox = form.querySelector("[data-alert]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      hide(alertBox);
      const body = {};
      for (const [key, value] of new FormData(form).entries()) if (String(value).trim()) body[key] = String(value).trim();
      const button = form.querySelector("[type=submit]");
      button.disabled = true;
      const { ok, data } = await postJSON("/api/customers", body);
      button.disabled = false;
      if (!ok) {
        const loose = showFieldErrors(form, data.errors || {});
        alertIn(alertBox, refusal(data, loose, "The customer could not be saved."));
        return;
      }
      form.reset();
      onCreated(data.customer || data);
    });
  }

  /* The customer picker of includes/customer_picker.html: search, new customer, change. Returns {get, set}. */
  function customerPicker(root, onChange) {
    const selected = root.querySelector("[data-selected-customer]");
    const searchBox = root.querySelector("[data-customer-search]");
    const newPanel = root.querySelector("#new-customer");
    let current = null;
    function set(customer) {
      current = customer;
      selected.classList.toggle("d-none", !customer);
      searchBox.classList.toggle("d-none", !!customer);
      if (customer) {
        selected.querySelector("[data-customer-name]").textContent = customer.name;
        selected.querySelector("[data-customer-phone]").textContent = customer.phone || "";
        if (newPanel && newPanel.classList.contains("show")) bootstrap.Collapse.getOrCreateInstance(newPanel).hide();
      } else {
        root.querySelector("[data-customer-query]").focus();
      }
      clearErrors(root);
      onChange(customer);
      // The pages' contract: a bubbling "customer-picked" event ({id} or {id: null} when cleared).
      root.dispatchEvent(new CustomEvent("customer-picked", { bubbles: true, detail: { id: customer ? customer.id : null } }));
    }
    customerSearch(root, set);
    newCustomerForm(root.querySelector("[data-new-customer-form]"), set);
    root.querySelector("[data-change-customer]").addEventListener("click", () => set(null));
    return { get: () => current, set };
  }

  return {
    customerPicker,
    fieldName,
    refusal,
    day,
    call, getJSON, postJSON, rupees, el, clearErrors, showFieldErrors, alertIn, hide,
    debounce, newKey, readJSON, resultsOf, customerSearch, newCustomerForm,
  };
})();
