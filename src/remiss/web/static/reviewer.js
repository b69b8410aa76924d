// The reviewer's page: the summary of what to fix gets focus, Enter in a forwarding field
// forwards, and remiss is told that a person opened the page (a link scanner fetches it but
// runs no script). The page works fully without this script; without it, "Ej öppnad" stays.
(function () {
  "use strict";
  // What was just posted could not be saved: the summary that says why is read first.
  var problem = document.getElementById("fel");
  if (problem) {
    problem.focus();
    // A link in the summary puts the cursor in the field it names, not just the view.
    problem.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
  // Enter in a forwarding field forwards: the fields belong to the answer's form, whose
  // first button (Spara utkast) would otherwise take it.
  var forward = document.querySelector("button[data-forward]");
  if (forward) {
    document.querySelectorAll("input[form='" + forward.getAttribute("form") + "']").forEach(
      function (input) {
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter" && input.type !== "checkbox") {
            event.preventDefault();
            forward.click();
          }
        });
      }
    );
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
