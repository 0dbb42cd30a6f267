/* What the pages' scripts still share: the report charts label their axes in rupees (reports.js).
   Every other figure is written on the server. The string goes to Intl as it is, so no amount
   passes through a float; "-0.00" is ₹0.00, as on the server. */
"use strict";

const Spa = (() => {
  const INR = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", signDisplay: "negative" });
  function rupees(value) {
    if (value === null || value === undefined || value === "") return "—";
    return INR.format(String(value));
  }
  return { rupees };
})();
