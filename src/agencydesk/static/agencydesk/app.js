// Behaviour that would otherwise be inline script, which the Content-Security-Policy forbids.
"use strict";

document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change")) {
    target.form.submit();
  }
});

// A list that refreshes itself (Today) waits while someone is using one of its
// forms: the refresh would throw away what they were typing.
document.addEventListener("htmx:beforeRequest", function (event) {
  var source = event.detail && event.detail.elt;
  if (source && source.querySelector && source.querySelector("details[open]")) {
    event.preventDefault();
  }
});
