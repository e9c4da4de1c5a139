// The simulator page: sends what the member types and shows each reply as rendered.
"use strict";

const $ = (id) => document.getElementById(id);

function who() {
  return { channel: $("channel").value, address: $("address").value.trim() };
}

// What the page knows of the chosen channel: its markup and how its members are addressed.
function kind() {
  const option = $("channel").selectedOptions[0];
  return { html: option.dataset.markup === "HTML", phone: option.dataset.phone === "yes",
           title: option.textContent };
}

// Telegram replies are HTML (parse_mode HTML); show its formatting tags, nothing else.
const TELEGRAM_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL",
                               "CODE", "PRE"]);

function telegramHtml(target, html) {
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = TELEGRAM_TAGS.has(node.tagName) ? document.createElement(node.tagName) : null;
        copy(node, tag || to);
        if (tag) to.appendChild(tag);
      }
    }
  };
  copy(new DOMParser().parseFromString(html, "text/html").body, target);
}

const REFRESH_MS = 2000;  // statuses and messages that arrive later (notices, relays)
let sending = 0;  // a refresh waits while a message is on its way
// A reply that edits an earlier message (a topic ticked on tap) changes that message's
// buttons instead of showing a bubble of its own; these edits are already shown.
const applied = new Set();

function key(message) {
  return `${message.direction}-${message.id}`;
}

function metaText(message) {
  return message.segments
    ? `SMS · ${message.segments} segment${message.segments > 1 ? "s" : ""} · ${message.encoding} · ${message.status}`
    : `${who().channel} · ${message.status}`;
}

// The message's buttons in `div` (replacing any it shows); a press says which message
// it was on (`tapped`: the id of the reply whose buttons these are).
function buttons(div, message, tapped) {
  div.querySelectorAll(".buttons").forEach((line) => line.remove());
  const meta = div.querySelector(".meta");
  for (const row of message.buttons || []) {
    const line = document.createElement("div");
    line.className = "buttons";
    for (const button of row) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.text;
      b.addEventListener("click", () => send(button.data, tapped));
      line.appendChild(b);
    }
    div.insertBefore(line, meta);
  }
}

function bubble(message) {
  const edited = message.edits
    ? $("chat").querySelector(`[data-key="out-${message.edits}"]`) : null;
  if (edited) {
    if (!applied.has(key(message))) {
      applied.add(key(message));
      buttons(edited, message, message.edits);
    }
    return edited;
  }
  const div = document.createElement("div");
  div.className = `msg ${message.direction}`;
  if (message.id !== undefined) div.dataset.key = key(message);
  const text = document.createElement("span");
  text.className = "text";
  if (message.text === "") {
    text.textContent = "(empty message)";
  } else if (message.direction === "out" && kind().html) {
    telegramHtml(text, message.text);
  } else {
    text.textContent = message.text;
  }
  div.appendChild(text);
  if (message.direction === "out") {
    buttons(div, message, message.id);
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = metaText(message);
    div.appendChild(meta);
  }
  $("chat").appendChild(div);
  $("chat").scrollTop = $("chat").scrollHeight;
  return div;
}

async function call(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) {
    const detail = body.detail;
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

async function load() {
  $("error").textContent = "";
  const { channel, address } = who();
  $("chat").dataset.channel = channel;
  $("chat").replaceChildren();
  applied.clear();
  try {
    const query = new URLSearchParams({ channel, address });
    const body = await call(`/simulator/api/messages?${query}`);
    body.messages.forEach(bubble);
  } catch (error) {
    $("error").textContent = error.message;
  }
}

async function send(text, tapped) {
  $("error").textContent = "";
  const { channel, address } = who();
  const said = bubble({ direction: "in", text });
  sending += 1;
  try {
    const body = await call("/simulator/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel, address, text, ...(tapped ? { tapped } : {}) }),
    });
    said.dataset.key = key({ direction: "in", id: body.inbound_id });
    body.replies.forEach(bubble);
  } catch (error) {
    $("error").textContent = error.message;
  } finally {
    sending -= 1;
  }
}

// Statuses change after the reply is shown (queued → delivered), and other members'
// messages arrive without one (a peer's relay, an answer): show both as they come.
async function refresh() {
  if (sending || document.hidden || $("error").textContent) return;
  const { channel, address } = who();
  if ($("chat").dataset.channel !== channel) return;
  try {
    const query = new URLSearchParams({ channel, address });
    const body = await call(`/simulator/api/messages?${query}`);
    if (sending || who().address !== address || who().channel !== channel) return;
    for (const message of body.messages) {
      const shown = $("chat").querySelector(`[data-key="${key(message)}"]`);
      if (!shown) {
        bubble(message);
      } else if (message.direction === "out") {
        shown.querySelector(".meta").textContent = metaText(message);
      }
    }
  } catch (error) {
    // the next refresh tries again; a member's own actions report their errors
  }
}

$("channel").addEventListener("change", () => {
  const { phone, title } = kind();
  $("address-label").textContent = phone ? "Phone number" : `${title} user id`;
  $("address").value = phone ? "+85512345678" : "100001";
  load();
});
$("load").addEventListener("click", load);
$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  send($("text").value);
  $("text").value = "";
  $("text").focus();
});
load();
setInterval(refresh, REFRESH_MS);
