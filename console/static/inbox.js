// Live updates without a reload: the inbox list and the open conversation poll small JSON views.
(function () {
  "use strict";
  var EVERY_MS = 3000;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }  // textContent: her words are never HTML
    return node;
  }

  function pollInbox(section) {
    fetch(section.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var list = el("ul", { "class": "handoffs" });
        data.handoffs.forEach(function (h) {
          var item = el("li", { "class": "card handoff" + (h.priority ? " priority" : ""), "data-id": h.id });
          var link = el("a", { href: h.url });
          link.appendChild(el("strong", { dir: "auto" }, h.name));
          link.appendChild(el("span", { "class": "reason" }, " " + h.reason));
          link.appendChild(el("span", { "class": "muted" },
            " attend depuis " + h.waiting_minutes + " min · " + h.language +
            (h.status === "claimed" ? " · prise en charge" : "")));
          item.appendChild(link);
          list.appendChild(item);
        });
        if (!data.handoffs.length) {
          var empty = el("div", { "class": "card empty" });
          empty.appendChild(el("p", {}, "Aucune conversation en attente pour l'instant."));
          list = empty;
        }
        section.replaceChildren(list);
      })
      .catch(function () {});
  }

  function pollThread(thread) {
    var url = thread.dataset.poll + "?after=" + encodeURIComponent(thread.dataset.after || "0");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.messages.forEach(function (m) {
          if (thread.querySelector('[data-id="' + m.id + '"]')) { return; }
          var item = el("li", { "class": "msg " + m.direction + " " + m.kind, "data-id": m.id });
          if (m.body) { item.appendChild(el("p", { dir: "auto" }, m.body)); }
          m.media.forEach(function (media) {
            var kind = media.type.split("/")[0];
            var node = kind === "image" ? el("img", { src: media.url, alt: "photo envoyée" })
              : kind === "audio" ? el("audio", { src: media.url, controls: "" })
              : el("a", { href: media.url }, "Document joint");
            item.appendChild(node);
          });
          item.appendChild(el("small", { "class": "muted" }, m.status));
          thread.appendChild(item);
          thread.dataset.after = m.id;
        });
      })
      .catch(function () {});
  }

  var section = document.getElementById("inbox");
  if (section) { setInterval(function () { pollInbox(section); }, EVERY_MS); }
  var thread = document.getElementById("thread");
  if (thread) { setInterval(function () { pollThread(thread); }, EVERY_MS); }
  var canned = document.getElementById("canned");
  if (canned) {
    canned.addEventListener("change", function () {
      if (canned.value) { document.getElementById("body").value = canned.value; }
    });
  }
})();
