/*
  "Controleer uw scan voordat u hem verstuurt": the section on the form page. This small script
  only wires the file picker and the drop zone; the check itself (controle-check.js, pdf.js, the
  QR reader, the marker finder, the form's boxes) loads the first time the customer uses it.
  Nothing is sent anywhere: the files are read in the browser, and the page's CSP allows
  connections to the site itself only.
*/
(function () {
  "use strict";
  var root = document.querySelector("[data-controle]");
  if (!root) return;
  var script = document.currentScript;
  var input = root.querySelector("input[type=file]");
  var zone = root.querySelector(".controle__vak");
  var status = root.querySelector(".controle__status");
  var out = root.querySelector(".controle__uitslag");
  var noScript = root.querySelector(".controle__zonder-script");
  if (noScript) noScript.hidden = true;
  zone.hidden = false;
  var moduleUrl = new URL("controle-check.js", script.src).href;
  var dataUrl = new URL("../../controle/", script.src).href;
  var checker = null;
  var busy = false;

  function run(files) {
    if (!files || !files.length || busy) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    root.dataset.state = "bezig";
    out.hidden = true;
    out.replaceChildren(); // no finding of an earlier check stays behind
    status.textContent = "Even geduld. Wij bekijken uw bestanden in uw browser.";
    var list = Array.prototype.slice.call(files);
    var started = performance.now();
    (checker ? Promise.resolve(checker) : import(moduleUrl))
      .then(function (mod) {
        checker = mod;
        return mod.checkFiles(list, dataUrl);
      })
      .then(function (report) {
        checker.show(report, out);
        out.hidden = false;
        status.textContent = "Klaar. Hieronder ziet u wat wij vonden.";
        root.dataset.ms = String(Math.round(performance.now() - started));
        root.dataset.state = "klaar";
      })
      .catch(function (err) {
        console.error(err);
        status.textContent = "Deze controle werkt niet in uw browser. U kunt uw bestanden " +
          "gewoon versturen. Wij controleren ze als wij ze hebben ontvangen.";
        root.dataset.state = "fout";
      })
      .then(function () {
        busy = false;
        root.removeAttribute("aria-busy");
      });
  }

  input.addEventListener("change", function () { run(input.files); });
  zone.addEventListener("dragover", function (e) {
    e.preventDefault();
    zone.classList.add("controle__vak--erboven");
  });
  zone.addEventListener("dragleave", function () {
    zone.classList.remove("controle__vak--erboven");
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("controle__vak--erboven");
    run(e.dataTransfer.files);
  });
})();
