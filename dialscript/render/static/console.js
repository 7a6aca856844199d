// dialscript console: keyboard shortcuts and small comforts (no framework, no CDN).
// [data-key="x"]     : pressing x (outside text fields) clicks the element.
// [data-alt-key="x"] : Alt+x clicks it, even while typing.
// [data-toggle-key]  : pressing the key toggles the checkbox.
// [data-confirm]     : asks before submitting.  .bar[data-pct] : width of a bar.
(function () {
  "use strict";
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "textarea" || tag === "select" || (tag === "input" && el.type !== "checkbox" && el.type !== "radio" && el.type !== "submit" && el.type !== "button");
  }
  function find(attr, key) {
    var all = document.querySelectorAll("[" + attr + "]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute(attr).toLowerCase() === key.toLowerCase()) return all[i];
    }
    return null;
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.isComposing) return;
    var key = ev.key;
    if (ev.altKey) {
      var code = ev.code || "";
      if (code.indexOf("Digit") === 0) key = code.slice(5);
      else if (code.indexOf("Key") === 0) key = code.slice(3).toLowerCase();
      var target = find("data-alt-key", key);
      if (target) { ev.preventDefault(); target.click(); }
      return;
    }
    if (typing(ev.target)) return;
    var toggle = find("data-toggle-key", key);
    if (toggle) { ev.preventDefault(); toggle.checked = !toggle.checked; return; }
    var el = find("data-key", key);
    if (el) { ev.preventDefault(); el.click(); }
  });
  document.addEventListener("submit", function (ev) {
    var button = ev.submitter;
    if (button && button.hasAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      ev.preventDefault();
      return;
    }
    var form = ev.target;
    if (form.dataset.sent) { ev.preventDefault(); return; }  // no double answers
    form.dataset.sent = "1";
  });
  document.addEventListener("DOMContentLoaded", function () {
    var bars = document.querySelectorAll(".bar[data-pct]");
    for (var i = 0; i < bars.length; i++) bars[i].style.width = bars[i].getAttribute("data-pct") + "px";
  });
})();
