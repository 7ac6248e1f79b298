/* The scan viewer, stepped in place. Without this file the page works as links and a form. */
(function () {
  "use strict";
  var root = document.querySelector("[data-viewer]");
  if (!root || !window.fetch) { return; }
  var count = parseInt(root.dataset.count, 10);
  var windowKey = root.dataset.window;
  var page = root.dataset.page;
  var slider = root.querySelector("[data-slider]");
  var image = root.querySelector("[data-image]");
  var problem = root.querySelector("[data-problem]");
  var label = root.querySelector("[data-label]");
  var position = root.querySelector("[data-position]");
  var current = parseInt(slider.value, 10);
  var wanted = current;
  var busy = null;
  root.classList.add("viewer-scripted");

  function url(number) {
    return page + "?slice=" + number + "&window=" + encodeURIComponent(windowKey);
  }

  function stepLinks() {
    root.querySelectorAll("[data-step]").forEach(function (link) {
      var target = current + parseInt(link.dataset.step, 10);
      var usable = target >= 1 && target <= count;
      link.setAttribute("aria-disabled", usable ? "false" : "true");
      link.classList.toggle("button-disabled", !usable);
      if (link.tagName === "A") { link.href = url(Math.min(Math.max(target, 1), count)); }
    });
    // The window links keep the slice being looked at.
    root.querySelectorAll("[data-window-link]").forEach(function (link) {
      var address = new URL(link.href, window.location.href);
      address.searchParams.set("slice", String(current));
      link.href = address.pathname + address.search;
    });
  }

  function show(state) {
    current = state.slice;
    label.textContent = state.label;
    position.textContent = state.position;
    slider.value = String(state.slice);
    slider.setAttribute("aria-valuetext", state.label);
    if (state.image) {
      image.src = state.image;
      image.width = state.width;
      image.height = state.height;
      image.alt = state.alt;
      image.hidden = false;
      problem.hidden = true;
    } else {
      image.hidden = true;
      problem.textContent = state.problem;
      problem.hidden = false;
    }
    history.replaceState(null, "", state.url);
    stepLinks();
  }

  function go(number) {
    number = Math.min(Math.max(number, 1), count);
    wanted = number;
    label.textContent = "Slice " + number + " of " + count;
    slider.value = String(number);
    if (busy) { busy.abort(); }
    var controller = new AbortController();
    busy = controller;
    fetch(url(number), { headers: { Accept: "application/json" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.slice === wanted) { show(state); }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { window.location.href = url(number); }
      });
  }

  slider.addEventListener("input", function () { go(parseInt(slider.value, 10)); });
  root.querySelectorAll("[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      go(wanted + parseInt(link.dataset.step, 10));  // from the slice last asked for
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target === slider || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (event.key === "ArrowLeft") { event.preventDefault(); go(wanted - 1); }
    if (event.key === "ArrowRight") { event.preventDefault(); go(wanted + 1); }
  });
  stepLinks();
}());
