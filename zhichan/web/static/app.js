// zhichan: render Vega-Lite specs found in <script type="application/json" data-chart-for="ID">
// islands, drill down on map clicks, and send the CSRF token with HTMX requests.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  // the menu's groups: opening one closes the others; a click elsewhere or Escape closes them all
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu-group[open]").forEach(function (group) {
      if (!group.contains(event.target)) { group.removeAttribute("open"); }
    });
  });
  // a group opened near the right edge keeps its items on the screen: at 390 px 我的工作's and 公共服务's lists ran
  // 4 and 54 px past it and the page scrolled sideways (its left edge moves left by as much, never past the screen's)
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (!group.matches || !group.matches("details.menu-group") || !group.open) { return; }
    var items = group.querySelector(".menu-items");
    if (!items) { return; }
    items.style.left = "";
    var box = items.getBoundingClientRect();
    var over = box.right - document.documentElement.clientWidth;
    if (over > 0) {
      items.style.left = (parseFloat(getComputedStyle(items).left) - Math.min(over, box.left)) + "px";
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.menu-group[open]").forEach(function (group) { group.removeAttribute("open"); });
    }
  });
  // a file input in the page's language (_form.html file_input): the chosen files' names beside its button, 未选择文件
  // (the line's data-none) before any and after the choice is cleared; the line stays hidden without JavaScript
  function showChosen(input) {
    var line = document.getElementById(input.id + "-chosen");
    if (!line) { return; }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    line.textContent = names.length ? names.join(", ") : line.getAttribute("data-none");
    line.hidden = false;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches(".file-pick > input[type=file]")) { showChosen(input); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".file-pick > input[type=file]").forEach(showChosen);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });
  // a part of a page that cannot be shown says why in its place (4xx or 5xx, X-Part-Refused; a value of its address
  // it cannot take, a thing no longer there, a session that ended, a failure: zhichan.web.query_errors.part_refused):
  // HTMX leaves such an answer unshown, and the part would say "loading" forever
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("X-Part-Refused")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // a part loaded once whose request got no answer at all (the server unreachable, the connection cut): its "loading"
  // line says so instead (data-part-unreachable, in the page's language); a poll just tries again at its next tick
  function unreachable(event) {
    var target = event.detail.target;
    var loading = target && target.querySelector("[data-part-unreachable]");
    if (!loading) { return; }
    var said = document.createElement("div");
    said.className = "error part-refused";
    said.id = "part-unreachable";
    said.setAttribute("role", "alert");
    said.textContent = loading.getAttribute("data-part-unreachable");
    loading.replaceWith(said);
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:sendAbort", unreachable);
  document.addEventListener("htmx:timeout", unreachable);
  // a chart wider than its box (a phone: the trend's last years and its legend were cut off at 390 px) is drawn
  // again at the box's width, axes, labels and legend included; on a wide screen it keeps its declared size. A
  // navigation report's matrix (a heatmap) only while its columns keep room for their numbers (drawn at 300 px, a
  // matrix of many regions had no room left for its cells beside its long row names); else it is scaled to the box
  // (app.css .scaled) while its text keeps three quarters of its size, or keeps its size and scrolls in its box
  var MATRIX_COLUMN = 28;
  function matrixColumns(spec) {
    var layers = spec.layer || [spec];
    var rect = layers.filter(function (layer) { return layer.mark && (layer.mark.type || layer.mark) === "rect"; })[0];
    var x = rect && rect.encoding && rect.encoding.x;
    return rect ? (x && Array.isArray(x.sort) ? x.sort.length : Infinity) : 0;
  }
  // a title wider than the box its chart is drawn again in (a report's matrix in English) on as many lines as it
  // needs, broken at its spaces and before a bracket, rather than cut at the box's edge
  function wrapped(title, config, room) {
    var words = title.match(/[（(][^（(]*|[^\s（(]+\s*/g) || [title];
    var context = document.createElement("canvas").getContext("2d");
    context.font = "bold " + ((config.title && config.title.fontSize) || 13) + "px " + (config.font || "sans-serif");
    var lines = [""];
    words.forEach(function (word) {
      var line = lines[lines.length - 1];
      // beside the chart's padding either side
      if (line && context.measureText(line + word).width > room - 12) { lines.push(word); } else { lines[lines.length - 1] = line + word; }
    });
    lines = lines.map(function (line) { return line.trim(); });
    return lines.length > 1 ? lines : title;
  }
  function fitted(target, spec, result) {
    var svg = target.querySelector("svg");
    var style = getComputedStyle(target);
    var room = Math.floor(target.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    var width = svg && svg.getBoundingClientRect().width;
    // small multiples (a navigation report's trend: a panel per region, one under the other) declare their panel's
    // width, not the chart's: the panel drawn narrower by what the chart overflows (Vega-Lite fits no faceted view)
    var panel = spec.facet && spec.spec;
    var declared = panel ? panel.width : spec.width;
    if (!svg || typeof declared !== "number" || room < 120 || width <= room + 1) {
      return result;
    }
    var columns = matrixColumns(spec);
    if (columns && (spec.width - (width - room)) / columns < MATRIX_COLUMN) {
      if (room / width >= 0.75) { target.classList.add("scaled"); }
      return result;
    }
    result.finalize();
    var narrow = panel
      ? Object.assign({}, spec, { spec: Object.assign({}, panel, { width: Math.max(60, Math.floor(declared - (width - room))) }) })
      : Object.assign({}, spec, { width: room, autosize: { type: "fit-x", contains: "padding" } });
    // a layered chart's title is its layers' (a matrix: its cells and their numbers), drawn once above them
    var title = spec.title || (spec.layer && spec.layer[0].title);
    if (typeof title === "string") {
      narrow.title = wrapped(title, spec.config || {}, room);
      if (spec.layer) {
        narrow.layer = spec.layer.map(function (layer) { var own = Object.assign({}, layer); delete own.title; return own; });
      }
    }
    return window.vegaEmbed(target, narrow, { actions: false, renderer: "svg" });
  }
  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("script[data-chart-for]").forEach(function (island) {
      var target = document.getElementById(island.getAttribute("data-chart-for"));
      if (!target || target.getAttribute("data-rendered")) { return; }
      var spec = JSON.parse(island.textContent);
      target.setAttribute("data-rendered", "pending");
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
        return fitted(target, spec, result);
      }).then(function (result) {
        target.setAttribute("data-rendered", "1");
        if (target.getAttribute("data-drill")) {
          result.view.addEventListener("click", function (_event, item) {
            var code = item && item.datum && (item.datum.adcode || (item.datum.properties && item.datum.properties.adcode));
            // only a region (a 6-digit code) is a drill target, never a line such as the 九段线
            if (code && /^[0-9]{6}$/.test(String(code))) {
              // the region at the date this cockpit shows, as the ranking table's links do
              var asOf = target.getAttribute("data-as-of");
              window.location.href = "/cockpit?region=" + encodeURIComponent(String(code)) +
                (asOf ? "&as_of=" + encodeURIComponent(asOf) : "");
            }
          });
        }
      }).catch(function (error) {
        target.setAttribute("data-rendered", "error");
        target.textContent = String(error);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", renderCharts);
  window.addEventListener("load", renderCharts);
})();
