// The drafting page, for a long day: what is typed is saved while it is typed, leaving the
// page with something unsaved asks first, and a button pressed twice sends the form once.
// The page works fully without this: the buttons save, and the server takes a repeated
// hand-over as one.
(function () {
  "use strict";
  var problem = document.getElementById("fel");
  if (problem) {
    problem.focus();
  }
  var form = document.querySelector("form.draft-form");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave");
  var WAIT = 1500; // after the last keystroke
  var LONGEST = 20000; // while typing on and on
  var draftChanged = false; // position and text fields, which autosave keeps
  var otherChanged = false; // what became of the comments: kept by the buttons only
  var sending = false;
  var submitting = false;
  var stopped = false;
  var timer = null;
  var since = 0;

  function say(message, trouble) {
    if (!status) {
      return;
    }
    status.textContent = message;
    status.classList.toggle("autosave-trouble", Boolean(trouble));
  }

  function isDraftField(field) {
    return /^(position|text)-/.test(field.name || "");
  }

  // Leaving with something unsaved: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !(draftChanged || otherChanged || sending)) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });

  var waiting = null; // the button pressed while an autosave was on its way
  var released = false;

  function disableButtons() {
    var buttons = form.querySelectorAll("button[type=submit]");
    // Disabled only after this turn: the pressed button's name and value go with the form.
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  }

  // One submit per page: a second click while the first is on its way does nothing.
  form.addEventListener("submit", function (event) {
    if (released) {
      released = false;
      disableButtons();
      return;
    }
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    window.clearTimeout(timer);
    say("Sparar …");
    if (sending) {
      // An autosave is on its way: the form goes when it is back, with the stamp it brings
      // (else the server would take this page for one that missed that autosave).
      event.preventDefault();
      waiting = { submitter: event.submitter || null };
      return;
    }
    disableButtons();
  });

  function release() {
    var submitter = waiting.submitter;
    waiting = null;
    released = true;
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
      return;
    }
    if (submitter && submitter.name) {
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      form.appendChild(pressed);
    }
    released = false;
    form.submit();
  }

  // Back to the page from the browser's history: the buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    }
  });

  function changed(event) {
    if (isDraftField(event.target)) {
      draftChanged = true;
      schedule();
    } else if (event.target.name) {
      otherChanged = true;
    }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  say("Det du skriver sparas automatiskt. Spara utkast gör det till en ny version.");

  function schedule() {
    if (stopped || submitting) {
      return;
    }
    window.clearTimeout(timer);
    var now = Date.now();
    if (!since) {
      since = now;
    }
    timer = window.setTimeout(save, Math.max(0, Math.min(WAIT, since + LONGEST - now)));
  }

  function answered(response) {
    if (response.type === "opaqueredirect") {
      return { ok: false, message: "Inte sparat: du är utloggad. Logga in i en ny flik och spara sedan." };
    }
    return response.json().then(
      function (body) {
        return { ok: response.ok, status: response.status, message: body.message, stamp: body.autosave };
      },
      function () {
        return {
          ok: false,
          status: response.status,
          message: response.status === 403
            ? "Inte sparat: sidan har varit öppen för länge. Kopiera det du skrivit och ladda om sidan."
            : "Inte sparat just nu. Det görs igen när du skriver vidare.",
        };
      }
    );
  }

  function save() {
    timer = null;
    since = 0;
    if (!draftChanged || stopped || submitting) {
      return;
    }
    if (sending) {
      schedule();
      return;
    }
    sending = true;
    draftChanged = false;
    var body = new FormData(form);
    window
      .fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      })
      .then(answered, function () {
        return { ok: false, message: "Inte sparat: ingen kontakt med servern. Det görs igen när du skriver vidare." };
      })
      .then(function (result) {
        sending = false;
        if (result.ok) {
          form.elements.autosave.value = String(result.stamp);
        }
        if (waiting) {
          release();
          return;
        }
        if (submitting) {
          return;
        }
        if (result.ok) {
          say(result.message);
          if (draftChanged) {
            schedule();
          }
          return;
        }
        draftChanged = true;
        // Newer text is stored than this page saw: saving on would overwrite it.
        if (result.status === 409) {
          stopped = true;
        }
        say(result.message, true);
      });
  }

  // Leaving for another tab or window: keep what is typed now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && draftChanged && !sending) {
      window.clearTimeout(timer);
      save();
    }
  });
})();
