// The article and page editors, made safer where JavaScript runs: every change is kept in
// this browser at once and autosaved to the server after ~20 s, a save after the session
// ended logs in again (password, then a two-factor code if the account has one) without
// leaving the page, images are dropped into the story, and a live preview (rendered and
// sanitized by the server) sits beside the text. Times are shown in the site's time zone.
// Without this script the form still works; nothing here is needed to write or save.
(function () {
  "use strict";
  var form = document.querySelector("form.editor");
  if (!form || !window.fetch || !window.localStorage) return;

  var WORDS_PER_MINUTE = 220;
  var data = form.dataset;
  var FIELDS = (data.fields || "title,slug,excerpt,body,category,tags,seo_title," +
    "seo_description,banner_id,featured,base_revision").split(",");
  var AUTOSAVE_MS = Number(data.autosaveMs) || 20000;
  var storageKey = "techpulse:draft:" + data.draftKey;
  var body = form.elements.body;
  var statusLine = form.querySelector(".editor__status");
  var savedNote = form.querySelector(".editor__saved");
  var countNote = form.querySelector(".editor__count");
  var autosaveTimer = null;
  var previewTimer = null;
  var lastAutosaved = JSON.stringify(values());
  var verified = false;

  function csrfInput() { return form.elements.csrf_token; }

  function values() {
    var out = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (!field) return;
      out[name] = field.type === "checkbox" ? (field.checked ? "y" : "") : field.value;  // radios: the checked value
    });
    return out;
  }

  function fill(kept) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (!field || !(name in kept)) return;
      if (field.type === "checkbox") field.checked = kept[name] === "y";
      else field.value = kept[name];
    });
    changed();
    body.dispatchEvent(new CustomEvent("editor:reload"));  // the visual mode reads the text again
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST", body: payload, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrfInput().value, "Accept": "application/json" },
    });
  }

  function loggedOut(response) {
    return response.type === "opaqueredirect" || response.status === 401;
  }

  function say(text) {
    statusLine.hidden = false;
    savedNote.textContent = text;
    if (countNote) separate();
  }

  // Staff see every time in the site's zone (as the server writes them), not the browser's.
  function clock(date) {
    var options = { dateStyle: "medium", timeStyle: "short" };
    try {
      return date.toLocaleString([], Object.assign({ timeZone: data.timezone || undefined }, options)) +
        (data.timezone ? " (" + data.timezone + ")" : "");
    } catch (error) {
      return date.toLocaleString([], options);
    }
  }

  // --- This browser's copy, and the offer to bring it back ---------------------------
  function keepLocally() {
    localStorage.setItem(storageKey, JSON.stringify({ savedAt: Date.now(), fields: values() }));
  }

  function offerLocalCopy() {
    if (data.clearedDraft) {
      localStorage.removeItem(storageKey.replace(/:[^:]*$/, ":" + data.clearedDraft));
    }
    var kept = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (!kept || !kept.fields) return;
    var serverTime = data.savedAt ? Date.parse(data.savedAt) : 0;
    var same = JSON.stringify(kept.fields) === JSON.stringify(values());
    if (same || kept.savedAt <= serverTime) {
      if (kept.savedAt <= serverTime) localStorage.removeItem(storageKey);
      return;
    }
    var offer = document.querySelector(".local-draft-offer");
    var when = offer.querySelector("time");
    when.dateTime = new Date(kept.savedAt || Date.now()).toISOString();
    when.textContent = clock(new Date(kept.savedAt || Date.now()));
    offer.hidden = false;
    offer.querySelector(".local-draft-offer__restore").addEventListener("click", function () {
      fill(kept.fields);
      offer.hidden = true;
      say("Your unsaved changes are back; save to keep them.");
    });
    offer.querySelector(".local-draft-offer__discard").addEventListener("click", function () {
      localStorage.removeItem(storageKey);
      offer.hidden = true;
    });
  }

  // --- Autosave to the server ----------------------------------------------------------
  function autosave() {
    autosaveTimer = null;
    var snapshot = values();
    if (!data.autosaveUrl || JSON.stringify(snapshot) === lastAutosaved) return;
    var payload = new FormData();
    Object.keys(snapshot).forEach(function (name) { payload.append(name, snapshot[name]); });
    payload.append(data.subjectField || "article_id", data.articleId);
    post(data.autosaveUrl, payload).then(function (response) {
      if (loggedOut(response)) {
        say("Kept in this browser; your session ended, so the server copy waits until you save.");
        return null;
      }
      return response.json().then(function (answer) {
        if (answer.csrf_token) {
          csrfInput().value = answer.csrf_token;
          scheduleAutosave();
          return;
        }
        lastAutosaved = JSON.stringify(snapshot);
        say("Autosaved " + clock(new Date(answer.saved_at)) + ".");
      });
    }).catch(function () {
      say("Offline: kept in this browser; autosave tries again.");
      scheduleAutosave();
    });
  }

  function scheduleAutosave() {
    if (!autosaveTimer) autosaveTimer = setTimeout(autosave, AUTOSAVE_MS);
  }

  function resumeAutosave() {
    if (autosaveTimer === "saving") autosaveTimer = null;
    scheduleAutosave();
  }

  // --- Word count and the live preview ------------------------------------------------
  function count() {
    var words = body.value.trim() ? body.value.trim().split(/\s+/).length : 0;
    var minutes = Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
    statusLine.hidden = false;
    var parts = [words + (words === 1 ? " word" : " words")];
    if (words) parts.push(minutes + " min read");
    countNote.textContent = parts.join(" · ");
    separate();
  }

  // "12 words · 1 min read · Autosaved …": a separator only between parts that are there.
  function separate() {
    var separator = statusLine.querySelector(".editor__separator");
    if (separator) separator.textContent = countNote.textContent && savedNote.textContent ? " · " : "";
  }

  var live = form.querySelector(".editor__live");
  var liveBody = form.querySelector(".editor__live-body");
  // A preview in flight; a login from the dialog waits for it (below).
  var previewRequest = null;
  function refreshPreview() {
    previewTimer = null;
    // Not while a save checks the session or the login box is open: a request sent logged
    // out could answer after the login and replace the new session's cookie.
    if (autosaveTimer === "saving" || (dialog && dialog.open)) return;
    var payload = new FormData();
    payload.append("body", body.value);
    previewRequest = post(data.previewUrl, payload);
    previewRequest.then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (answer) {
        // The HTML was rendered and allow-list sanitized by the server (techpulse/markup/markdown.py).
        liveBody.innerHTML = answer.html;
      });
    }).catch(function () { /* offline: the preview simply waits */ });
  }

  function changed() {
    keepLocally();
    scheduleAutosave();
    count();
    if (!previewTimer) previewTimer = setTimeout(refreshPreview, 700);
  }

  // --- Saving: make sure the session is alive first, log in again if it is not ---------
  var dialog = document.querySelector("dialog.reauth");
  var pendingButton = null;

  // true: logged in (the form's token refreshed); false: logged out; "enrol": logged in, but
  // two-factor login must be set up first (the form then posts, and the server keeps the text).
  function checkSession() {
    return fetch(data.sessionUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.redirected) return /two-factor/.test(response.url) ? "enrol" : false;
        if (!response.ok) return false;
        return response.json().then(function (answer) {
          csrfInput().value = answer.csrf_token;
          return true;
        });
      });
  }

  function submitNow() {
    verified = true;
    if (pendingButton && form.requestSubmit) form.requestSubmit(pendingButton);
    else form.submit();
  }

  form.addEventListener("submit", function (event) {
    // A save supersedes the autosave: a late one must not bring the saved draft back.
    clearTimeout(autosaveTimer);
    autosaveTimer = "saving";
    if (verified) return;
    event.preventDefault();
    pendingButton = event.submitter || form.elements.save || form.elements.submit;
    keepLocally();
    checkSession().then(function (alive) {
      if (alive) submitNow();  // true, or "enrol": the server keeps the text across enrolment
      // No autosave while the login box is open: a request racing the login could replace
      // the new session's security token, and the save would then be refused.
      else dialog.showModal();
    }).catch(function () {
      resumeAutosave();
      say("You seem to be offline. Your text is kept in this browser; save again when you are back.");
    });
  });

  function tokenFrom(html) {
    // Parsed, never inserted: only the form's CSRF token is read from it.
    var token = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
    return token ? token.value : "";
  }

  function postForm(url, fields) {
    var payload = new URLSearchParams();
    Object.keys(fields).forEach(function (name) { payload.append(name, fields[name]); });
    return fetch(url, { method: "POST", body: payload, credentials: "same-origin", redirect: "manual" });
  }

  // The password step; then, for an account with two-factor login, "code" (a code is owed).
  function logIn(email, password) {
    return fetch(data.loginUrl, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        return postForm(data.loginUrl, { csrf_token: tokenFrom(html), email: email, password: password });
      })
      .then(checkSession)
      .then(function (alive) {
        if (alive || !data.codeUrl) return alive;
        return fetch(data.codeUrl, { credentials: "same-origin", redirect: "manual" })
          .then(function (response) { return response.status === 200 ? "code" : false; });
      });
  }

  function sendCode(code) {
    return fetch(data.codeUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status !== 200) return false;
        return response.text().then(function (html) {
          return postForm(data.codeUrl, { csrf_token: tokenFrom(html), code: code }).then(checkSession);
        });
      });
  }

  var codeStep = false;
  function askForCode(show) {
    codeStep = show;
    dialog.querySelector(".reauth__code").hidden = !show;
    dialog.querySelector(".reauth__password").hidden = show;
    dialog.querySelector("#reauth-email").closest(".field").hidden = show;
    dialog.querySelector("#reauth-password").required = !show;
    dialog.querySelector("#reauth-email").required = !show;
  }

  function reauthError(text) {
    var error = dialog.querySelector(".reauth__error");
    error.textContent = text;
    error.hidden = false;
    dialog.showModal();
  }

  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "login") { askForCode(false); resumeAutosave(); return; }
    var code = dialog.querySelector("#reauth-code").value.trim();
    var email = dialog.querySelector("#reauth-email").value;
    var password = dialog.querySelector("#reauth-password").value;
    // A preview sent before the save must have answered (and set its cookie) first.
    var attempt = Promise.resolve(previewRequest).catch(function () {}).then(function () {
      return codeStep ? sendCode(code) : logIn(email, password);
    });
    attempt.then(function (alive) {
      dialog.querySelector("#reauth-password").value = "";
      if (alive === "code") {
        askForCode(true);
        dialog.querySelector(".reauth__error").hidden = true;
        dialog.showModal();
        dialog.querySelector("#reauth-code").focus();
        return;
      }
      if (alive) {
        dialog.querySelector("#reauth-code").value = "";
        askForCode(false);
        submitNow();
        return;
      }
      if (codeStep) {
        askForCode(false);
        reauthError("That code did not log you in (or took over five minutes). Enter your password again, then a new code.");
      } else {
        reauthError("That did not log you in. Check the e-mail and password, or log in in a new tab and press Save again.");
      }
    }).catch(function () {
      reauthError("The server did not answer. Your text is kept; try again in a moment.");
    });
  });

  // --- Images in the story ----------------------------------------------------------
  function insertAtCursor(text, src) {
    // The visual mode, when it is on, places it itself (as a figure with its picture).
    var asked = new CustomEvent("editor:insert", { cancelable: true, detail: { markdown: text, src: src } });
    if (!body.dispatchEvent(asked)) { changed(); return; }
    var start = body.selectionStart, end = body.selectionEnd;
    body.setRangeText("\n\n" + text + "\n\n", start, end, "end");
    body.focus();
    changed();
  }

  form.querySelectorAll(".library-picker__insert").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { insertAtCursor(button.dataset.reference, button.dataset.src); });
  });

  var fileInput = form.elements.story_image;
  var altInput = form.elements.story_image_alt;
  var captionInput = form.elements.story_image_caption;
  var imageError = form.querySelector(".story-images__error");

  function uploadStoryImage() {
    imageError.hidden = true;
    if (!fileInput.files.length) return showImageError("Choose an image file to insert.");
    if (!altInput.value.trim()) {
      altInput.focus();
      return showImageError("Describe the image in its alt text first; screen readers read it aloud.");
    }
    var payload = new FormData();
    payload.append("image", fileInput.files[0]);
    payload.append("alt_text", altInput.value);
    payload.append("caption", captionInput.value);
    say("Uploading the image…");
    post(data.imageUrl, payload).then(function (response) {
      if (loggedOut(response)) return showImageError("Your session ended: press Save to log in again, then insert the image.");
      return response.json().then(function (answer) {
        if (!response.ok) return showImageError(answer.error || "The image was refused.");
        insertAtCursor(answer.reference, answer.src);
        fileInput.value = altInput.value = captionInput.value = "";
        say("Image added to the library and the story.");
      });
    }).catch(function () { showImageError("The upload did not reach the server; try again."); });
  }

  function showImageError(message) {
    imageError.textContent = message;
    imageError.hidden = false;
  }

  if (form.elements.insert_image) form.elements.insert_image.addEventListener("click", function (event) {
    event.preventDefault();
    uploadStoryImage();
  });

  body.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.from(event.dataTransfer.types).indexOf("Files") !== -1) {
      event.preventDefault();
      body.classList.add("is-dropping");
    }
  });
  body.addEventListener("dragleave", function () { body.classList.remove("is-dropping"); });
  body.addEventListener("drop", function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length || !fileInput) return;
    event.preventDefault();
    body.classList.remove("is-dropping");
    fileInput.files = files;
    if (altInput.value.trim()) uploadStoryImage();
    else {
      altInput.focus();
      showImageError("Describe the dropped image in its alt text, then press “Upload and insert”.");
    }
  });

  // --- Keyboard: Ctrl/Cmd+S saves ------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      var button = form.elements.save || form.elements.submit;
      if (form.requestSubmit) form.requestSubmit(button);
      else button.click();
    }
  });

  function edited(event) {
    if (event.target.type !== "hidden" && FIELDS.indexOf(event.target.name) !== -1) changed();
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio" || event.target.type === "checkbox") edited(event);
  });
  live.hidden = false;
  form.classList.add("editor--live");
  offerLocalCopy();
  count();
  refreshPreview();
})();
