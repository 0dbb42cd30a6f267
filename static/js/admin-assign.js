// Admin "sell a package" form: only a service package needs a service, so show that field
// when one is chosen (or nothing is chosen yet). The template's value prefix comes from the form.
(function () {
  var form = document.getElementById("assign_form");
  var select = document.getElementById("id_template");
  var row = document.querySelector(".field-service");
  if (!form || !select || !row) { return; }
  var prefix = form.dataset.servicePackagePrefix;
  function sync() {
    var isServicePackage = select.value.indexOf(prefix) === 0;
    row.style.display = (isServicePackage || !select.value) ? "" : "none";
  }
  select.addEventListener("change", sync);
  sync();
})();
