/* secplan report filters. Progressive enhancement: without this script every row is visible. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.control-row"));
  var findingRows = Array.prototype.slice.call(document.querySelectorAll("tr.finding-row"));
  var count = document.getElementById("f-count");
  var empty = document.getElementById("f-empty");

  function value(id) { return document.getElementById(id).value; }

  function matches(row, status, pillar, severity, query) {
    if (status && row.getAttribute("data-status") !== status) { return false; }
    if (pillar && row.getAttribute("data-pillar") !== pillar) { return false; }
    if (severity !== "" && Number(row.getAttribute("data-severity")) < Number(severity)) { return false; }
    if (query && row.textContent.toLowerCase().indexOf(query) === -1) { return false; }
    return true;
  }

  function apply() {
    var status = value("f-status"), pillar = value("f-pillar"), severity = value("f-severity");
    var query = value("f-q").trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, status, pillar, severity, query);
      row.hidden = !ok;
      if (ok) { shown += 1; }
      var details = row.querySelector("details.findings");
      if (details && (query || severity !== "") && ok) { details.open = true; }
    });
    findingRows.forEach(function (row) { row.hidden = !matches(row, status, pillar, severity, query); });
    count.textContent = shown + " of " + rows.length + " controls";
    empty.hidden = shown !== 0;
  }

  /* Filters can be preset by the URL (report.html?status=fail&q=pickle) so a filtered view can be shared. */
  function presetFromUrl() {
    var params = new URLSearchParams(window.location.search);
    [["status", "f-status"], ["pillar", "f-pillar"], ["severity", "f-severity"], ["q", "f-q"]].forEach(function (pair) {
      var given = params.get(pair[0]);
      if (given !== null) { document.getElementById(pair[1]).value = given; }
    });
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.findings").forEach(function (d) { d.open = true; });
  });
  document.documentElement.classList.add("js");
  presetFromUrl();
  apply();
})();
