// Progressive enhancement for the timeline: filters apply at once (the URL keeps them), and an offline map.
(function () {
  "use strict";

  function cleanQuery(form) {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    if (params.get("sort") === "date") { params.delete("sort"); }
    return params.toString();
  }

  var form = document.getElementById("filters");
  if (form) {
    var go = function () {
      var qs = cleanQuery(form);
      window.location.assign(form.getAttribute("action") + (qs ? "?" + qs : ""));
    };
    form.addEventListener("submit", function (e) { e.preventDefault(); go(); });
    Array.from(form.querySelectorAll("select, input[type=date], input[type=checkbox]")).forEach(function (el) {
      el.addEventListener("change", go);
    });
  }

  var box = document.getElementById("leaflet");
  if (!box || typeof L === "undefined") { return; }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function popup(p) {
    var div = document.createElement("div");
    div.className = "popup";
    var link = text("a", p.name);
    link.href = p.url;
    div.appendChild(link);
    var facts = p.killed !== null && p.killed !== undefined ? "killed: at least " + Math.round(p.killed) : "no death toll reported";
    div.appendChild(text("div", facts));
    div.appendChild(text("div", p.sources + (p.sources === 1 ? " source" : " sources") + " · " +
                                p.articles + (p.articles === 1 ? " article" : " articles")));
    if (p.disputed) { div.appendChild(text("div", "⚠ sources disagree", "disputed-mark")); }
    return div;
  }

  function radius(killed) {
    return Math.min(28, 5 + 2.2 * Math.sqrt(Math.max(0, killed || 0)));
  }

  var map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 12, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outlines: Natural Earth");
  map.setView([20, 20], 2);

  fetch("/static/countries.json").then(function (r) { return r.json(); }).then(function (world) {
    var renderer = L.canvas({ padding: 0.2 });
    world.countries.forEach(function (c) {
      c.rings.forEach(function (ring) {
        L.polygon(ring.map(function (pt) { return [pt[1], pt[0]]; }),
          { renderer: renderer, color: "#9aa4ae", weight: 0.7, fillColor: "#fbfaf5", fillOpacity: 1, interactive: false }).addTo(map);
      });
    });
  });

  fetch(box.getAttribute("data-points"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
      var bounds = [];
      (data.points || []).forEach(function (p) {
        var marker = L.circleMarker([p.lat, p.lon], {
          radius: radius(p.killed), color: p.disputed ? "#8b0000" : "#ffffff", weight: p.disputed ? 3 : 1.5,
          fillColor: "#d62728", fillOpacity: 0.75, className: "event-marker"
        });
        marker.bindPopup(function () { return popup(p); });
        marker.bindTooltip(p.name);
        group.addLayer(marker);
        bounds.push([p.lat, p.lon]);
      });
      map.addLayer(group);
      if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 5 }); }
      var caption = document.getElementById("map-count");
      if (caption) {
        var total = Number(box.getAttribute("data-total") || 0);
        caption.textContent = "On the map: " + bounds.length + " of " + total +
          (total === 1 ? " cluster" : " clusters") + (bounds.length < total ? " (the others have no known place)." : ".");
      }
      var fallback = document.getElementById("svgmap");
      if (fallback) { fallback.hidden = true; }
      document.body.dataset.mapPoints = String(bounds.length);
      document.body.dataset.mapUrl = box.getAttribute("data-points");
    })
    .catch(function () { document.body.dataset.mapPoints = "error"; });
})();
