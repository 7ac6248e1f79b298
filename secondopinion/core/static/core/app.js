// Small progressive enhancements. Every page works without this file.
document.addEventListener("click", function (event) {
  var copy = event.target.closest("[data-copy-target]");
  if (copy) {
    var source = document.getElementById(copy.getAttribute("data-copy-target"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.value || source.textContent).then(function () {
        var note = document.getElementById(copy.getAttribute("data-copy-status"));
        if (note) { note.textContent = "Copied. You can paste it into an email or a patient portal."; }
      });
    }
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
});
