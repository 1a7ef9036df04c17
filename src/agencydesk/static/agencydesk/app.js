// Behaviour that would otherwise be inline script, which the Content-Security-Policy forbids.
"use strict";

document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change")) {
    target.form.submit();
  }
});
