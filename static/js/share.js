// Copy-link and the browser's own share sheet for the share widget; links work without this.
// Fetched after the page's load event (techpulse/serving/inline_js.py); data-share-ready says it ran.
(function () {
  "use strict";
  var widget = document.querySelector(".share");
  if (!widget) return;
  var status = widget.querySelector("[data-share-status]");

  function say(message) {
    status.textContent = message;
    window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  var copy = widget.querySelector("[data-copy-url]");
  if (copy && navigator.clipboard) {
    copy.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(copy.dataset.copyUrl).then(
        function () { say("Link copied to the clipboard."); },
        function () { say("Could not copy; the link is in the address bar."); }
      );
    });
  }

  var native = widget.querySelector("[data-native-share]");
  if (native && navigator.share) {
    native.hidden = false;
    native.querySelector("button").addEventListener("click", function (event) {
      var data = event.currentTarget.dataset;
      navigator.share({ title: data.shareTitle, url: data.shareUrl }).catch(function () {});
    });
  }
  widget.setAttribute("data-share-ready", "");
})();
