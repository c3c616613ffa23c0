// Broadcasts: a live SMS counter under each text of the compose form, and live counts on a
// broadcast's page (polling its counts.json). The server's preview and page are the
// reference: without this script, everything still shows on a reload.
(function () {
  "use strict";
  var EVERY_MS = 3000;

  // -- SMS segments, as bot/broadcasts/sms_parts.py counts them ---------------------------
  var GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM7_EXTENSION = "\f^{}\\[~]|€";
  var SINGLE = { gsm7: 160, ucs2: 70 };
  var PART = { gsm7: 153, ucs2: 67 };

  function smsCount(text) {
    var chars = Array.from(text);  // code points: an emoji outside the BMP is one here
    var gsm = chars.every(function (c) {
      return GSM7_BASIC.indexOf(c) >= 0 || GSM7_EXTENSION.indexOf(c) >= 0;
    });
    var encoding = gsm ? "gsm7" : "ucs2";
    var sizes = chars.map(function (c) {
      if (gsm) { return GSM7_EXTENSION.indexOf(c) >= 0 ? 2 : 1; }
      return c.codePointAt(0) > 0xFFFF ? 2 : 1;
    });
    var units = sizes.reduce(function (a, b) { return a + b; }, 0);
    if (units === 0) { return { encoding: encoding, units: 0, segments: 0 }; }
    if (units <= SINGLE[encoding]) { return { encoding: encoding, units: units, segments: 1 }; }
    var segments = 1;
    var room = PART[encoding];
    sizes.forEach(function (size) {
      if (size > room) { segments += 1; room = PART[encoding]; }  // never split a character
      room -= size;
    });
    return { encoding: encoding, units: units, segments: segments };
  }

  function smsLine(count) {
    if (!count.units) { return "vide"; }
    return count.units + " caractère" + (count.units > 1 ? "s" : "") + " · " +
      (count.encoding === "gsm7" ? "GSM-7" : "UCS-2 (arabe, emojis…)") + " · " +
      count.segments + " SMS";
  }

  document.querySelectorAll("textarea[data-sms-count]").forEach(function (area) {
    var out = document.getElementById(area.dataset.smsCount);
    if (!out) { return; }
    var update = function () {
      // The server counts the trimmed text with LF line breaks (as the textarea's value).
      out.textContent = smsLine(smsCount(area.value.replace(/\r\n?/g, "\n").trim()));
    };
    area.addEventListener("input", update);
    update();
  });

  // -- live counts ------------------------------------------------------------------------
  function setText(root, selector, text) {
    root.querySelectorAll(selector).forEach(function (node) { node.textContent = text; });
  }

  function setHidden(root, selector, hidden) {
    root.querySelectorAll(selector).forEach(function (node) { node.hidden = hidden; });
  }

  function cell(label, text) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    td.textContent = text;  // textContent: never HTML
    return td;
  }

  function show(tracking, data) {
    Object.keys(data.buckets).forEach(function (bucket) {
      setText(tracking, '[data-bucket="' + bucket + '"]', String(data.buckets[bucket]));
    });
    Object.keys(data.rate_labels).forEach(function (rate) {
      setText(tracking, '[data-rate="' + rate + '"]', data.rate_labels[rate]);
    });
    setText(tracking, '[data-field="recipients"]', String(data.recipients));
    data.bar.forEach(function (part) {
      var rect = tracking.querySelector('[data-bar="' + part.bucket + '"]');
      if (rect) {
        rect.setAttribute("x", String(part.x));
        rect.setAttribute("width", String(part.width));
      }
    });
    var rows = tracking.querySelector('[data-field="errors"]');
    if (rows) {
      rows.replaceChildren.apply(rows, data.errors.map(function (error) {
        var tr = document.createElement("tr");
        tr.appendChild(cell("Code", String(error.code)));
        tr.appendChild(cell("Sens", error.label || "—"));
        tr.appendChild(cell("Messages", String(error.count)));
        return tr;
      }));
      document.getElementById("errors").hidden = data.errors.length === 0;
      setHidden(tracking, '[data-field="no-errors"]', data.errors.length > 0);
    }
    setHidden(tracking, '[data-field="so-far"]', data.fanned_out);
    // Buttons for a status it has left (pause once it is done) go away.
    document.querySelectorAll("[data-while]").forEach(function (node) {
      node.hidden = node.dataset.while.split(" ").indexOf(data.status) < 0;
    });
    document.querySelectorAll('[data-field="status"]').forEach(function (badge) {
      badge.textContent = data.status_label;
      badge.className = "badge status-" + data.status;
    });
  }

  var tracking = document.getElementById("tracking");
  if (tracking && tracking.dataset.poll && window.fetch) {
    var poll = function () {
      if (document.visibilityState === "hidden") { return; }
      fetch(tracking.dataset.poll, {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { show(tracking, data); } })
        .catch(function () {});
    };
    setInterval(poll, EVERY_MS);
  }
})();
