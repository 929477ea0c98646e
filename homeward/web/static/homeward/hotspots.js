// The hotspot map drawn with Leaflet: a circle per area, from the areas and counts the page
// carries (a JSON script element). Without JavaScript, or without Leaflet, the page keeps
// the map drawn on the server (SVG) and the table.
(function () {
  "use strict";
  var source = document.getElementById("hotspot-data");
  var box = document.getElementById("hotspot-map");
  var figure = document.getElementById("hotspot-figure");
  if (!source || !box || !window.L) {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.areas || !data.areas.length) {
    return;
  }
  var biggest = Math.max.apply(null, data.areas.map(function (a) { return a.count; }));
  box.hidden = false;
  box.style.height = "480px";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Map of the places by area (the table below has every figure)");
  var map = window.L.map(box, { scrollWheelZoom: false });
  if (data.tiles) {
    window.L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 18 }).addTo(map);
  }
  var points = [];
  data.areas.forEach(function (area) {
    var at = [area.lat, area.lon];
    points.push(at);
    var radius = Math.max(4, 28 * Math.sqrt(area.count / biggest));
    window.L.circleMarker(at, {
      radius: radius,
      color: "#003078",
      weight: 1.5,
      fillColor: "#1d70b8",
      fillOpacity: 0.45
    })
      .bindTooltip(area.area + " (" + area.count + ")", { permanent: true, direction: "bottom", offset: [0, radius] })
      .addTo(map);
  });
  if (points.length === 1) {
    map.setView(points[0], 11);
  } else {
    map.fitBounds(points, { padding: [40, 40] });
  }
  if (figure) {
    figure.hidden = true;
  }
})();
