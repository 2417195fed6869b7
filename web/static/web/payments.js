// The payment pages' small enhancements. Everything works without them: the form posts, "Check again"
// asks the provider, the receipt prints from the browser's menu.
(function () {
  "use strict";

  // Pay form: show the fields of the chosen method; one submission only (a double click posts once,
  // and the server's client key would find the same attempt anyway).
  var form = document.querySelector("[data-pay-form]");
  if (form) {
    var sections = form.querySelectorAll("fieldset[data-for]");
    var sync = function () {
      var chosen = form.querySelector("input[name=method]:checked");
      sections.forEach(function (section) {
        section.hidden = !!chosen && section.getAttribute("data-for") !== chosen.value;
      });
    };
    form.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-pay-submit]");
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("busy");
      }
    });
  }

  // Status page: while the attempt is open, ask for its state every few seconds and reload when it
  // changes; count down the phone approval, then say what to do, and keep listening (a late callback
  // still lands here).
  var box = document.querySelector("[data-payment-status]");
  if (box && box.dataset.open === "1") {
    var url = box.dataset.url;
    var state = box.dataset.state;
    var deadline = Date.now() + (parseInt(box.dataset.wait, 10) - parseInt(box.dataset.waited, 10)) * 1000;
    var countdown = box.querySelector("[data-countdown]");
    var timeout = box.querySelector("[data-timeout]");
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (countdown) {
        countdown.hidden = left === 0;
        countdown.textContent = countdown.dataset.template
          ? countdown.dataset.template.replace("%s", left)
          : left + " s";
      }
      if (timeout) timeout.hidden = left > 0;
      return left;
    };
    var poll = function () {
      var left = tick();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.state !== state) {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, left > 0 ? 2000 : 10000);
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    };
    window.setInterval(tick, 1000);
    window.setTimeout(poll, 2000);
  }

  var print = document.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
