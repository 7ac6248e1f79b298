// Reload the export page every two seconds while the ZIP file is still being made.
(function () {
  var box = document.getElementById("export-status");
  if (!box) { return; }
  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") {
    setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
