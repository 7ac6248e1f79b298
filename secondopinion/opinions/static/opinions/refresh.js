// Reload the packet page every two seconds while the packet is still being made.
(function () {
  var box = document.getElementById("packet-status");
  if (!box) { return; }
  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") {
    setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
