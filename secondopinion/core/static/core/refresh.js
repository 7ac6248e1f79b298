// Reload the page every two seconds while something on it is still being made (a packet, an
// export): the element says so with data-status, one of the words of its data-refresh-while.
(function () {
  var box = document.querySelector("[data-refresh-while]");
  if (!box) { return; }
  var waiting = box.getAttribute("data-refresh-while").split(" ");
  if (waiting.indexOf(box.getAttribute("data-status")) !== -1) {
    setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
