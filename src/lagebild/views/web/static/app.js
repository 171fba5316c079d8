// Small progressive enhancement: filter selects apply at once; the timeline reloads in place from the JSON twin.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    return params.toString();
  }
  function apply() {
    var qs = query();
    var url = "/" + (qs ? "?" + qs : "");
    fetch(url, { headers: { Accept: "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["timeline", "map"].forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) { old.replaceWith(fresh); }
        });
        history.replaceState(null, "", url);
        document.body.dataset.loaded = url;
      })
      .catch(function () { form.submit(); });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  Array.from(form.querySelectorAll("select, input[type=date]")).forEach(function (el) {
    el.addEventListener("change", apply);
  });
})();
