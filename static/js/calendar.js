// The editorial calendar: drag a story onto another day to move it there, at the same time
// of day. Without this script, each story's own form does the same.
(function () {
  "use strict";
  var dragged = null;
  document.querySelectorAll(".calendar__entry[draggable=true]").forEach(function (entry) {
    entry.addEventListener("dragstart", function (event) {
      dragged = entry;
      event.dataTransfer.setData("text/plain", entry.dataset.article);
    });
  });
  document.querySelectorAll(".calendar__day").forEach(function (cell) {
    cell.addEventListener("dragover", function (event) { if (dragged) { event.preventDefault(); } });
    cell.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var form = dragged.querySelector("form[data-calendar-move]");
      var input = form && form.querySelector("input[name=when]");
      if (!input) { return; }
      var time = (input.value.split("T")[1] || "09:00").slice(0, 5);
      input.value = cell.dataset.day + "T" + time;
      form.submit();
    });
  });
})();
