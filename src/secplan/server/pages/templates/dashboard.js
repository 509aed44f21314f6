/* secplan dashboard. Progressive enhancement only: every page works without this script. */
(function () {
  "use strict";
  /* Show stored UTC times in the reader's own time zone (the markup keeps the UTC text). */
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when.getTime())) { el.title = el.textContent; el.textContent = when.toLocaleString(); }
  });
  /* Ask before a form marked as final (deny a request) is sent. */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
}());
