// Tell remiss that a person opened the page (a link scanner fetches it but runs no script).
// The page works fully without this; it only turns "Ej öppnad" into "Öppnad" for the coordinator.
(function () {
  "use strict";
  // What was just posted could not be saved: the summary that says why is read first.
  var problem = document.getElementById("fel");
  if (problem) {
    problem.focus();
  }
  var form = document.querySelector("form[data-opened]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var body = new FormData();
  body.append("csrf_token", form.elements.csrf_token.value);
  window.fetch(form.getAttribute("data-opened"), {
    method: "POST",
    body: body,
    credentials: "same-origin",
    keepalive: true,
  }).catch(function () {});
})();
