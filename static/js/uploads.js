// Uploads in the staff area: a file too large is named before it is sent, and a form marked
// data-multi-upload sends each chosen file on its own, with its progress and its own error.
(function () {
  "use strict";

  function megabytes(bytes) { return Math.round(bytes / 1048576); }

  function tooLarge(input) {
    var limit = Number(input.dataset.maxBytes || 0);
    var files = Array.prototype.slice.call(input.files || []);
    return limit ? files.filter(function (file) { return file.size > limit; }) : [];
  }

  function checkSize(input) {
    var big = tooLarge(input);
    var limit = Number(input.dataset.maxBytes || 0);
    var message = big.length ? big.map(function (file) {
      return file.name + " is " + megabytes(file.size) + " MB: the limit is " + megabytes(limit) + " MB per file.";
    }).join(" ") : "";
    input.setCustomValidity(message);
    var note = input.parentNode.querySelector(".field__error--size");
    if (!note) {
      note = document.createElement("p");
      note.className = "field__error field__error--size";
      note.setAttribute("role", "alert");
      input.parentNode.appendChild(note);
    }
    note.textContent = message;
    note.hidden = !message;
  }

  function row(list, file) {
    var item = document.createElement("li");
    item.className = "upload-progress__item";
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var status = document.createElement("span");
    status.className = "upload-progress__status";
    item.append(name, bar, status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function send(form, file, shown) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
      data.append("alt_text", form.querySelector("[name=alt_text]").value);
      data.append("image", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) { shown.bar.value = Math.round(100 * event.loaded / event.total); }
      };
      request.onload = function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
        var ok = request.status === 200 && answer.ok;
        shown.bar.value = 100;
        shown.status.textContent = ok ? "Uploaded." : (answer.error || "Refused (" + request.status + ").");
        shown.item.classList.add(ok ? "upload-progress__item--done" : "upload-progress__item--error");
        resolve(ok);
      };
      request.onerror = function () {
        shown.status.textContent = "The connection failed; try again.";
        shown.item.classList.add("upload-progress__item--error");
        resolve(false);
      };
      request.send(data);
    });
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var list = form.querySelector(".upload-progress");
    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || !window.FormData || !list) { return; }
      event.preventDefault();
      list.hidden = false;
      list.textContent = "";
      var limit = Number(input.dataset.maxBytes || 0);
      var chain = Promise.resolve(0);
      files.forEach(function (file) {
        var shown = row(list, file);
        chain = chain.then(function (done) {
          if (limit && file.size > limit) {
            shown.status.textContent = "Too large: the limit is " + megabytes(limit) + " MB per file.";
            shown.item.classList.add("upload-progress__item--error");
            return done;
          }
          return send(form, file, shown).then(function (ok) { return done + (ok ? 1 : 0); });
        });
      });
      chain.then(function (done) {
        var end = document.createElement("li");
        var link = document.createElement("a");
        link.href = window.location.pathname;
        link.textContent = done + " of " + files.length + " uploaded: show the library";
        end.appendChild(link);
        list.appendChild(end);
      });
    });
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { checkSize(input); });
  });
  document.querySelectorAll("form[data-multi-upload]").forEach(enhance);
})();
