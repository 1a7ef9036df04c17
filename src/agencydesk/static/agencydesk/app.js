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

// The phone's menu: the navigation's toggle opens it as a sheet above the bottom bar.
document.addEventListener("click", function (event) {
  var toggle = event.target instanceof Element && event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  var open = !document.body.classList.contains("nav-open");
  document.body.classList.toggle("nav-open", open);
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
    document.body.classList.remove("nav-open");
    var toggle = document.querySelector("[data-nav-toggle]");
    if (toggle) toggle.setAttribute("aria-expanded", "false");
  }
});

// A copy button: copies the text of the element its data-copy names.
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element && event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    var done = button.getAttribute("data-copied");
    if (done) button.setAttribute("title", done);
    button.classList.add("copied");
  });
});
