// Records vault: drag and drop, one-file-at-a-time uploads with progress, and CD import progress.
// Everything here is an extra: without JavaScript the plain form and the Reload link still work.
(function () {
  "use strict";

  function uploadOne(form, file, item) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          item.textContent = file.name + ": " + Math.round((event.loaded / event.total) * 100) + "% sent";
        }
      });
      xhr.addEventListener("load", function () {
        var reply = {};
        try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = {}; }
        var lines = (reply.errors || []).concat((reply.results || []).map(function (r) { return r.message; }));
        item.textContent = lines.join(" ") || (file.name + ": done");
        resolve(reply);
      });
      xhr.addEventListener("error", function () {
        item.textContent = file.name + ": the upload stopped. Please try again.";
        resolve({});
      });
      xhr.send(data);
    });
  }

  function uploadAll(form, files) {
    var list = form.querySelector("[data-upload-list]");
    var imports = [];
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + ": waiting";
      list.appendChild(item);
      chain = chain.then(function () {
        return uploadOne(form, file, item).then(function (reply) {
          (reply.results || []).forEach(function (r) { if (r.import) { imports.push(r.import); } });
        });
      });
    });
    chain.then(function () {
      if (imports.length === 1 && files.length === 1) {
        window.location.href = form.action.replace(/upload\/$/, "imports/" + imports[0] + "/");
      } else {
        window.location.reload();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-upload-form]");
    if (form && window.FormData && window.XMLHttpRequest) {
      var input = form.querySelector("input[type=file]");
      form.addEventListener("submit", function (event) {
        if (!input.files.length) { return; }
        event.preventDefault();
        uploadAll(form, input.files);
      });
      var zone = form.querySelector("[data-drop-zone]");
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          uploadAll(form, event.dataTransfer.files);
        }
      });
    }

    var progress = document.querySelector("[data-import-progress]");
    if (progress && window.fetch) {
      var poll = function () {
        fetch(progress.getAttribute("data-import-progress"), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (state) {
            if (state.done) { window.location.reload(); return; }
            progress.querySelector("[data-percent]").textContent = state.percent;
            progress.querySelector("progress").value = state.percent;
            window.setTimeout(poll, 1500);
          })
          .catch(function () { window.setTimeout(poll, 5000); });
      };
      window.setTimeout(poll, 1000);
    }
  });
})();
