// The simulator: sends through /simulator/send (a real signed webhook) and polls the thread.
(function () {
  const thread = document.getElementById("thread");
  const phone = document.getElementById("phone");
  const channel = document.getElementById("channel");
  const profile = document.getElementById("profile");
  const body = document.getElementById("body");
  let lastId = 0;

  function show(message) {
    const item = document.createElement("li");
    item.className = message.direction;
    item.dir = "auto";
    item.dataset.id = message.id;
    item.textContent = message.body || "(média)";
    const meta = document.createElement("small");
    meta.textContent = message.channel + (message.language ? " · " + message.language : "");
    item.appendChild(meta);
    thread.appendChild(item);
    thread.scrollTop = thread.scrollHeight;
  }

  async function poll() {
    try {
      const url = "/simulator/messages?phone=" + encodeURIComponent(phone.value) + "&after=" + lastId;
      const response = await fetch(url);
      if (response.ok) {
        const data = await response.json();
        data.messages.forEach(function (m) { show(m); lastId = Math.max(lastId, m.id); });
      }
    } finally {
      setTimeout(poll, 700);
    }
  }

  phone.addEventListener("change", function () { thread.innerHTML = ""; lastId = 0; });

  document.getElementById("composer").addEventListener("submit", async function (event) {
    event.preventDefault();
    const text = body.value;
    if (!text.trim()) return;
    body.value = "";
    await fetch("/simulator/send", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone: phone.value, channel: channel.value, body: text, profile_name: profile.value }),
    });
  });

  // A WhatsApp location, as Twilio posts it (Latitude, Longitude, no text).
  document.getElementById("location").addEventListener("submit", async function (event) {
    event.preventDefault();
    await fetch("/simulator/send", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        phone: phone.value, channel: "whatsapp", body: "", profile_name: profile.value,
        latitude: document.getElementById("latitude").value,
        longitude: document.getElementById("longitude").value,
      }),
    });
  });

  poll();
})();
